/**
 * Expiry of referrals nobody acted on: {@link fr.referralhub.expiry.ReferralExpiry} says when (once after
 * {@code hub.expiry.reminder-after}, EXPIRED after {@code hub.expiry.expire-after}, both counted from the referral's
 * first delivery on the hub's clock, {@link fr.referralhub.expiry.ExpiryConfiguration}) and what tells it; the
 * referral state (fr.referralhub.state) checks its own referrals and writes it, once, on the instance that owns each.
 */
package fr.referralhub.expiry;
