package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import fr.referralhub.partners.SilentPartnerProperties;
import org.junit.jupiter.api.Test;

/** How much of the referral history a restart reads back to know when each partner last sent. */
class PartnerHistoryTest {

    @Test
    void shouldReadBackFourTimesTheLongestAlertSilenceAndAtLeastThirtyDays() {
        assertThat(PartnerHistory.window(new SilentPartnerProperties(Duration.ofDays(3), Map.of())))
                .isEqualTo(Duration.ofDays(30));
        assertThat(PartnerHistory.window(new SilentPartnerProperties(Duration.ofDays(3),
                Map.of("cfa-weekly", Duration.ofDays(14), "agency", Duration.ofDays(1)))))
                .isEqualTo(Duration.ofDays(56));
    }
}
