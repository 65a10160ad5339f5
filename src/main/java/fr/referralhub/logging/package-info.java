/**
 * Logs operators can follow a referral through: production logs are structured JSON (ECS, {@code application.yaml});
 * while an exchange processes a referral, {@link fr.referralhub.logging.ReferralLogContext} puts its ids (never
 * personal data) in the logging MDC, so every line carries them.
 */
package fr.referralhub.logging;
