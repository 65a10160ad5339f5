/**
 * Statuses back from counselling services (issue 6, items 4 and 5): services authenticate with their own API keys
 * ({@link fr.referralhub.status.ServiceRegistry}), report what became of a referral they received over HTTP, each
 * report is checked against the status life cycle ({@link fr.referralhub.status.StatusMachine}) and, once accepted,
 * written to {@code referral-status-changes.v1}, from which the current statuses are rebuilt
 * ({@link fr.referralhub.status.StatusBook}) and the referrer is told ({@link fr.referralhub.status.StatusFeedback}).
 */
package fr.referralhub.status;
