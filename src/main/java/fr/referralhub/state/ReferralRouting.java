package fr.referralhub.state;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Where one referral went, kept in its entry of the referral state ({@link LedgerEntry}).
 *
 * <p>Why remember rather than recompute: an update or a cancellation must reach every service that received the
 * creation, even when the referral no longer matches (moved out of the territory, need removed) or the subscription
 * changed since. Recomputing would need the referral's whole history and the subscriptions as they were then.
 *
 * @param sentTo      subscription id to service id of every subscription the referral was sent to; the service is
 *                    kept so a cancellation still reaches it after its subscription is deleted
 * @param held        the last event was held because the person was not informed
 * @param deliveredAt subscription id to when the hub first routed the referral to it (the hub's clock); expiry
 *                    counts from the earliest
 * @param remindedAt  when the referrer and the services were reminded that nobody acted (once); null before
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReferralRouting(String referralId, Map<String, String> sentTo, boolean held,
                              Map<String, Instant> deliveredAt, Instant remindedAt) {

    public ReferralRouting {
        sentTo = sentTo == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(sentTo));
        deliveredAt = deliveredAt == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(deliveredAt));
    }

    public static ReferralRouting none(String referralId) {
        return new ReferralRouting(referralId, Map.of(), false, Map.of(), null);
    }

    /** Sent (again) to this subscription of this service at {@code now}: its first delivery time is kept. */
    public ReferralRouting sentAlsoTo(String subscriptionId, String serviceId, Instant now) {
        Map<String, String> more = new LinkedHashMap<>(sentTo);
        more.put(subscriptionId, serviceId);
        Map<String, Instant> times = new LinkedHashMap<>(deliveredAt);
        times.putIfAbsent(subscriptionId, now);
        return new ReferralRouting(referralId, more, false, times, remindedAt);
    }

    public ReferralRouting held(boolean isHeld) {
        return new ReferralRouting(referralId, sentTo, isHeld, deliveredAt, remindedAt);
    }

    public ReferralRouting reminded(Instant at) {
        return new ReferralRouting(referralId, sentTo, held, deliveredAt, at);
    }

    /** When the referral first reached a service; empty if it never did. */
    public Optional<Instant> firstDeliveredAt() {
        return deliveredAt.values().stream().min(Instant::compareTo);
    }

    /** The services the referral was sent to, each once. */
    public Set<String> services() {
        return new LinkedHashSet<>(sentTo.values());
    }
}
