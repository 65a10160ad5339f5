package fr.referralhub.status;

import static org.assertj.core.api.Assertions.assertThat;

import fr.referralhub.avro.ReferralStatus;
import org.junit.jupiter.api.Test;

/** The reason codes a status needs, and the words the referrer reads for them. */
class StatusReasonsTest {

    @Test
    void shouldListTheReasonCodesOfEachStatusThatNeedsOneAndWordThem() {
        assertThat(StatusReasons.codesFor(ReferralStatus.REJECTED)).contains("HORS_CRITERES", "AUTRE");
        assertThat(StatusReasons.codesFor(ReferralStatus.ON_HOLD)).contains("LISTE_ATTENTE");
        assertThat(StatusReasons.text(ReferralStatus.REJECTED, "HORS_TERRITOIRE")).hasValueSatisfying(
                text -> assertThat(text).startsWith("Refusée"));
    }
}
