package fr.referralhub.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;

import fr.referralhub.avro.PersonReferenceBasis;
import org.junit.jupiter.api.Test;

class PersonPseudonymizerTest {

    private final PersonPseudonymizer pseudonymizer = new PersonPseudonymizer("test-secret", false);

    @Test
    void shouldGiveTheSamePersonTheSameReferenceWhateverTheWayTheNirIsWritten() {
        var compact = pseudonymizer.fromNir(Nir.parse("105077505612363").nir().orElseThrow());
        var spaced = pseudonymizer.fromNir(Nir.parse("1 05 07 75 056 123 63").nir().orElseThrow());

        assertThat(compact).isEqualTo(spaced);
        assertThat(compact.basis()).isEqualTo(PersonReferenceBasis.NIR);
        assertThat(compact.value()).hasSize(26).matches("[a-z2-7]+").doesNotContain("105077505612363");
    }

    @Test
    void shouldDependOnTheSecretSoOthersCannotRecomputeIt() {
        Nir nir = Nir.parse("105077505612363").nir().orElseThrow();

        assertThat(new PersonPseudonymizer("another-secret", false).fromNir(nir)).isNotEqualTo(pseudonymizer.fromNir(nir));
    }

    @Test
    void shouldRecogniseAFranceTravailIdWithItsBirthDate() {
        var first = pseudonymizer.fromFranceTravailId("4512378k", LocalDate.of(2002, 4, 12));
        var again = pseudonymizer.fromFranceTravailId(" 4512378K", LocalDate.of(2002, 4, 12));
        var otherBirthDate = pseudonymizer.fromFranceTravailId("4512378K", LocalDate.of(2002, 4, 13));

        assertThat(first).isEqualTo(again).isNotEqualTo(otherBirthDate);
        assertThat(first.basis()).isEqualTo(PersonReferenceBasis.FRANCE_TRAVAIL_ID_AND_BIRTH_DATE);
    }

    @Test
    void shouldRefuseToStartWithoutASecretOutsideDevelopment() {
        assertThatThrownBy(() -> new PersonPseudonymizer("", false))
                .hasMessageContaining("HUB_PSEUDONYMISATION_SECRET");
        assertThat(new PersonPseudonymizer("", true).forReferralOnly("r1").basis()).isEqualTo(PersonReferenceBasis.NONE);
    }
}
