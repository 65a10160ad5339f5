/**
 * Statuses back from counselling services (issue 6, items 4 and 5): services authenticate with their own API keys
 * ({@link fr.referralhub.counselling.ServiceRegistry}) and report what became of a referral they received, over HTTP or on
 * their own topic. Each report is read field by field here, then judged by the referral state against the referral's
 * life cycle ({@link fr.referralhub.state.StatusMachine}) on the instance that owns the referral, which publishes it
 * to {@code referral-status-changes.v1} once accepted; the referrer is then told
 * ({@link fr.referralhub.status.StatusFeedback}).
 */
package fr.referralhub.status;

import fr.referralhub.counselling.ServiceRegistry;
