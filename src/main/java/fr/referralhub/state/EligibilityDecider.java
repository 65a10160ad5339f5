package fr.referralhub.state;

import java.util.List;

import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.ReferralEvent;

/**
 * Decides the eligibility of an accepted event (implemented by fr.referralhub.eligibility). Called once per event by
 * the referral state, in the transaction that publishes it: the decision is written to eligibility-decisions.v1 and
 * the routing to counselling services uses the same decision.
 */
public interface EligibilityDecider {

    /** Decides nothing (tests of the ledger alone). */
    EligibilityDecider NONE = (event, personReference, earlierAids) -> null;

    /**
     * @param personReference the key of the referral's records (a cancellation carries no person, its withdrawal is
     *                        keyed like the referral's decisions)
     * @param earlierAids     what the person history holds for the same person on other referrals
     * @return the decision, or the withdrawal of the referral's decisions for a cancellation; null for none
     * @throws RuntimeException when the event cannot be decided (no rule set for its date...): it is dead-lettered
     */
    EligibilityDecision decide(ReferralEvent event, String personReference, List<RememberedAid> earlierAids);

    /**
     * What of this decision the person history must keep for the same person's later decisions (the referral state
     * replaces what it kept for the referral with it: an update that is no longer eligible, or a cancellation, leaves
     * nothing).
     */
    default List<RememberedAid> aidsToRemember(ReferralEvent event, EligibilityDecision decision) {
        return List.of();
    }
}
