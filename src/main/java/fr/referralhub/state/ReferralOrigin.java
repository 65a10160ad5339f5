package fr.referralhub.state;

/**
 * Where a referral comes from, as the referral ledger knows it: who referred it, by which of its events, and whether
 * the referrer cancelled it. No personal data: it may travel between hub instances.
 *
 * @param partnerId       the referring partner: who is told of the referral's statuses and may read its timeline
 * @param creationEventId the partner's id of the creation event: the id the referrer knows the referral by
 */
public record ReferralOrigin(String referralId, String partnerId, String creationEventId, boolean cancelled) {

    static ReferralOrigin of(String referralId, LedgerEntry entry) {
        return new ReferralOrigin(referralId, entry.partnerId(), entry.creationEventId(), entry.cancelled());
    }
}
