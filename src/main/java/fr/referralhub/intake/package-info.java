/**
 * Intake of partner events: reading each partner format, validating it field by field, de-duplicating by the
 * partner's own event id, and preparing the canonical record. The flows themselves are in {@code routes/}.
 */
package fr.referralhub.intake;
