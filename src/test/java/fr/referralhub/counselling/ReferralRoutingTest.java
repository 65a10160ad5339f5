package fr.referralhub.counselling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Routings as stored on counselling-deliveries.v1: those written before delivery and reminder times existed stay
 * readable, and the first delivery time of a subscription never moves.
 */
class ReferralRoutingTest {

    private static final Instant DAY_1 = Instant.parse("2026-11-01T10:00:00Z");
    private static final Instant DAY_5 = Instant.parse("2026-11-05T10:00:00Z");

    @Test
    void shouldReadARoutingWrittenBeforeDeliveryTimesAndDateItByItsRecord() throws Exception {
        String before = "{\"referralId\":\"r-1\",\"sentTo\":{\"adil-93-logement\":\"adil-93\"},\"held\":false}";

        ReferralRouting read = ReferralRoutings.JSON.readValue(before, ReferralRouting.class);
        assertThat(read.sentTo()).containsEntry("adil-93-logement", "adil-93");
        assertThat(read.remindedAt()).isNull();
        assertThat(read.firstDeliveredAt()).isEmpty();
        assertThat(read.withDeliveryTimesDefaultingTo(DAY_5).firstDeliveredAt()).hasValue(DAY_5);
    }

    @Test
    void shouldKeepTheFirstDeliveryTimeAndTheReminderThroughJson() throws Exception {
        Subscription adil = subscription("adil-93-logement", "adil-93");
        ReferralRouting routing = ReferralRouting.none("r-2").sentAlsoTo(adil, DAY_1).sentAlsoTo(adil, DAY_5)
                .reminded(DAY_5);
        assertThat(routing.deliveredAt()).containsExactly(Map.entry("adil-93-logement", DAY_1));

        String json = ReferralRoutings.JSON.writeValueAsString(routing);
        assertThat(json).contains("\"2026-11-01T10:00:00Z\"").contains("\"remindedAt\":\"2026-11-05T10:00:00Z\"");
        ReferralRouting read = ReferralRoutings.JSON.readValue(json, ReferralRouting.class);
        assertThat(read).isEqualTo(routing);
        assertThat(read.withDeliveryTimesDefaultingTo(DAY_5)).isEqualTo(routing);
        assertThat(read.held(true).remindedAt()).isEqualTo(DAY_5);
    }

    private static Subscription subscription(String id, String serviceId) {
        return new Subscription(id, serviceId, null, null, null, null, null);
    }
}
