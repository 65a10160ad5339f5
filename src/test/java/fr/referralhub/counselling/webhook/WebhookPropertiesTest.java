package fr.referralhub.counselling.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Retry delays double from the initial delay and stop at the maximum; nonsense settings stop the start-up. */
class WebhookPropertiesTest {

    private static WebhookProperties retries(int attempts, Duration initial, Duration max) {
        return new WebhookProperties(attempts, initial, max, Duration.ofSeconds(2), Duration.ofSeconds(5), 1000, false);
    }

    @Test
    void shouldDoubleTheDelayAfterEachFailedAttemptUpToTheMaximum() {
        WebhookProperties defaults = retries(6, Duration.ofSeconds(2), Duration.ofMinutes(5));
        assertThat(defaults.delayAfter(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.delayAfter(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(defaults.delayAfter(5)).isEqualTo(Duration.ofSeconds(32));
        assertThat(defaults.delayAfter(8)).isEqualTo(Duration.ofSeconds(256));
        assertThat(defaults.delayAfter(9)).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.delayAfter(1000)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void shouldRefuseLessThanOneAttempt() {
        assertThatThrownBy(() -> retries(0, Duration.ofSeconds(2), Duration.ofMinutes(5)))
                .hasMessageContaining("hub.webhooks.max-attempts");
    }
}
