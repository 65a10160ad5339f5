package fr.referralhub.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Routings as the referral state stores them in a referral's entry: the first delivery time of a subscription never
 * moves, and the reminder survives a round trip through the store's JSON.
 */
class ReferralRoutingTest {

    private static final Instant DAY_1 = Instant.parse("2026-11-01T10:00:00Z");
    private static final Instant DAY_5 = Instant.parse("2026-11-05T10:00:00Z");

    @Test
    void shouldKeepTheFirstDeliveryTimeAndTheReminderThroughTheStore() {
        ReferralRouting routing = ReferralRouting.none("r-2").sentAlsoTo("adil-93-logement", "adil-93", DAY_1)
                .sentAlsoTo("adil-93-logement", "adil-93", DAY_5).sentAlsoTo("adil-93-urgence", "adil-93", DAY_5)
                .reminded(DAY_5);
        assertThat(routing.deliveredAt()).containsEntry("adil-93-logement", DAY_1);
        assertThat(routing.firstDeliveredAt()).hasValue(DAY_1);
        assertThat(routing.services()).containsExactly("adil-93");

        LedgerEntry entry = LedgerEntry.created("ft-93", "EVT-1", "person-1", "NIR", null, DAY_1.toEpochMilli())
                .withRouting(routing);
        String json = new String(entry.toJson(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json).as("readable on the changelog").contains("\"2026-11-01T10:00:00Z\"")
                .contains("\"remindedAt\":\"2026-11-05T10:00:00Z\"");
        LedgerEntry read = LedgerEntry.fromJson(entry.toJson());
        assertThat(read.routingOf("r-2")).isEqualTo(routing);
        assertThat(read.routingOf("r-2").held(true).remindedAt()).isEqualTo(DAY_5);
        assertThat(LedgerEntry.created("ft-93", "EVT-2", "p", null, null, 0).routingOf("r-3"))
                .isEqualTo(new ReferralRouting("r-3", Map.of(), false, Map.of(), null));
    }
}
