package fr.referralhub.partners;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.PartnerKind;
import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.partners.PartnerRegistryProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;

/** A partner that used to send and went quiet for longer than allowed raises the alert; others do not. */
class PartnerActivityTest {

    private static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PartnerActivity activity = new PartnerActivity(
            new PartnerRegistry(new PartnerRegistryProperties(List.of(
                    partner("agency", true), partner("weekly-cfa", true), partner("newcomer", true),
                    partner("retired", false)))),
            new SilentPartnerProperties(Duration.ofDays(3), Map.of("weekly-cfa", Duration.ofDays(10))),
            meters, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void a_partner_quiet_for_longer_than_its_allowed_silence_is_silent() {
        activity.seen("agency", NOW.minus(Duration.ofDays(4)));
        activity.seen("weekly-cfa", NOW.minus(Duration.ofDays(4)));
        activity.seen("retired", NOW.minus(Duration.ofDays(400)));

        assertThat(activity.isSilent("agency")).isTrue();
        assertThat(activity.isSilent("weekly-cfa")).as("its own allowance is 10 days").isFalse();
        assertThat(activity.isSilent("newcomer")).as("never heard from: its rhythm is unknown").isFalse();
        assertThat(activity.isSilent("retired")).as("disabled partners are expected to be quiet").isFalse();
        assertThat(gauge("agency")).isEqualTo(1);
        assertThat(gauge("weekly-cfa")).isZero();
        assertThat(meters.find("hub.partner.silent").tag("partner", "retired").gauge()).isNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void health_stays_up_and_names_the_silent_partners() {
        activity.seen("agency", NOW.minus(Duration.ofDays(4)));
        activity.seen("weekly-cfa", NOW.minus(Duration.ofHours(1)));

        var health = activity.health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat((Map<String, Object>) health.getDetails().get("silent")).containsOnlyKeys("agency");
    }

    @Test
    void a_new_event_ends_the_silence_and_an_older_one_does_not_move_the_last_seen_time_back() {
        activity.seen("agency", NOW.minus(Duration.ofDays(4)));
        activity.seen("agency", NOW.minus(Duration.ofMinutes(5)));
        activity.seen("agency", NOW.minus(Duration.ofDays(9)));

        assertThat(activity.isSilent("agency")).isFalse();
        assertThat(activity.lastSeen("agency")).contains(NOW.minus(Duration.ofMinutes(5)));
        assertThat(gauge("agency")).isZero();
    }

    private double gauge(String partner) {
        return meters.get("hub.partner.silent").tag("partner", partner).gauge().value();
    }

    private static Partner partner(String id, boolean enabled) {
        return new Partner(id, id, PartnerKind.EMPLOYMENT_AGENCY, IntakeChannel.HTTP_JSON, "employment-agency-json-v1",
                enabled, List.of(id.toUpperCase()), List.of());
    }
}
