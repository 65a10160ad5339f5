package fr.referralhub.state;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.ReferralEvent;

/**
 * Where an accepted partner event goes: the counselling services whose subscriptions it matches, the services that
 * already have the referral, the referrer's feedback (implemented by fr.referralhub.counselling). Called by the referral
 * state on the instance that owns the referral, in the transaction that publishes the event: the routing and every
 * record it gives are stored and written once, together, or not at all.
 */
public interface ReferralDistribution {

    /** Routes nowhere: a referral state without counselling (tests of the ledger alone). */
    ReferralDistribution NONE = (event, decision, before, now) -> new Routed(before, List.of());

    /**
     * @param event          the event as published on referrals.v1
     * @param decision       its eligibility decision, made once by the referral state; null when it could not be
     *                       decided (subscriptions on eligibility do not match then, the others still do)
     * @param before         where the referral went before this event ({@link ReferralRouting#none} for a new one)
     * @param now            the hub's clock: the delivery time of a first delivery
     * @throws RuntimeException if the event cannot be routed; a transient failure (broker, registry) is retried with
     *                          the whole transaction, any other is logged and parked by the referral state
     */
    Routed route(ReferralEvent event, EligibilityDecision decision, ReferralRouting before, Instant now);

    /**
     * The referrer's DECISION feedback on a decision of its event, written after the routing's records (so it follows
     * HELD or DELIVERED on the referrer's topic) and whether or not the event could be routed; none for a withdrawal.
     */
    default Optional<OutboundRecord> decisionFeedback(ReferralEvent event, EligibilityDecision decision, Instant now) {
        return Optional.empty();
    }

    /** Where the referral went after the event, and the records that tell the services and the referrer. */
    record Routed(ReferralRouting routing, List<OutboundRecord> records) {

        public Routed {
            records = List.copyOf(records);
        }
    }
}
