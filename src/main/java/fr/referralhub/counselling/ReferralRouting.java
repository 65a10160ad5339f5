package fr.referralhub.counselling;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where one referral went: the value of the counselling deliveries topic, keyed by referral id.
 *
 * <p>Why remember rather than recompute: an update or a cancellation must reach every service that received the
 * creation, even when the referral no longer matches (moved out of the territory, need removed) or the subscription
 * changed since. Recomputing would need the referral's whole history and the subscriptions as they were then.
 *
 * @param sentTo subscription id to service id of every subscription the referral was sent to; the service is kept
 *               so a cancellation still reaches it after its subscription is deleted
 * @param held   the last event was held because the person was not informed
 */
public record ReferralRouting(String referralId, Map<String, String> sentTo, boolean held) {

    public static ReferralRouting none(String referralId) {
        return new ReferralRouting(referralId, Map.of(), false);
    }

    public ReferralRouting sentAlsoTo(Subscription subscription) {
        Map<String, String> more = new LinkedHashMap<>(sentTo);
        more.put(subscription.id(), subscription.serviceId());
        return new ReferralRouting(referralId, more, false);
    }

    public ReferralRouting held(boolean isHeld) {
        return new ReferralRouting(referralId, sentTo, isHeld);
    }
}
