package fr.referralhub.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code hub.expiry} as Spring binds it at start-up: Dora's defaults, and a refusal to start on delays that cannot work. */
class ExpiryPropertiesTest {

    private static ExpiryProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("hub.expiry", ExpiryProperties.class);
    }

    @Test
    void shouldRemindAfterTenDaysAndExpireAfterThirtyByDefault() {
        ExpiryProperties defaults = bind(Map.of());
        assertThat(defaults.enabled()).isTrue();
        assertThat(defaults.reminderAfter()).isEqualTo(Duration.ofDays(10));
        assertThat(defaults.expireAfter()).isEqualTo(Duration.ofDays(30));
        assertThat(defaults.sweepInterval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void shouldReadTheFormsOperatorsWrite() {
        ExpiryProperties custom = bind(Map.of("hub.expiry.reminder-after", "P7D", "hub.expiry.expire-after", "21d",
                "hub.expiry.sweep-interval", "30s", "hub.expiry.enabled", "false"));
        assertThat(custom.reminderAfter()).isEqualTo(Duration.ofDays(7));
        assertThat(custom.expireAfter()).isEqualTo(Duration.ofDays(21));
        assertThat(custom.sweepInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(custom.enabled()).isFalse();
    }

    @Test
    void shouldRefuseToStartWhenTheExpiryComesBeforeTheReminder() {
        for (String expireAfter : new String[] {"P10D", "P5D"}) {
            Throwable refused = catchThrowable(() -> bind(Map.of("hub.expiry.reminder-after", "P10D",
                    "hub.expiry.expire-after", expireAfter)));
            assertThat(refused).as(expireAfter).isNotNull();
            assertThat(rootCause(refused).getMessage()).as(expireAfter)
                    .contains("hub.expiry.expire-after (HUB_EXPIRY_EXPIRE_AFTER, " + Duration.parse(expireAfter) + ")")
                    .contains("must be longer than hub.expiry.reminder-after (PT240H)");
        }
    }

    @Test
    void shouldRefuseAReminderDelayOfZero() {
        Throwable refused = catchThrowable(() -> bind(Map.of("hub.expiry.reminder-after", "0s")));
        assertThat(rootCause(refused).getMessage()).contains("hub.expiry.reminder-after").contains("positive");
    }

    private static Throwable rootCause(Throwable thrown) {
        Throwable cause = thrown;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
