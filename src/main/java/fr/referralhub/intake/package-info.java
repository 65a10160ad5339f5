/**
 * Intake of partner events: reading each partner format (employment agencies' JSON over HTTP, training bodies' CSV
 * file drops), validating it field by field ({@link fr.referralhub.intake.FieldErrors}), de-duplicating by the
 * partner's own event id, and preparing the canonical record ({@link fr.referralhub.intake.ReferralIntake}, shared by
 * every channel). The flows themselves are in {@code routes/}.
 */
package fr.referralhub.intake;
