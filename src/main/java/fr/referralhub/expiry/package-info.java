/**
 * Expiry of referrals nobody acted on (issue 6, item 6): a timer route ({@code routes/referral-expiry.camel.yaml})
 * calls {@link fr.referralhub.expiry.ReferralExpiry}, which reminds the referrer and the services once after
 * {@code hub.expiry.reminder-after} and makes every waiting (referral, service) pair EXPIRED after
 * {@code hub.expiry.expire-after}, both counted from the referral's first delivery on the hub's clock
 * ({@link fr.referralhub.expiry.ExpiryConfiguration}).
 */
package fr.referralhub.expiry;
