/**
 * Eligibility engine: decides, for one canonical referral event, which housing aids and programmes the person can
 * get, and explains why in words a counsellor can read; withdraws those decisions when the referral is cancelled.
 *
 * <p>How it fits together:
 * <ul>
 *   <li>{@link fr.referralhub.eligibility.EligibilityEngine} is the entry point: a {@code ReferralEvent} in, an
 *       {@code EligibilityDecision} out. It has no Spring or Camel dependency; {@link
 *       fr.referralhub.eligibility.EligibilityConfiguration} only makes it a bean.</li>
 *   <li>Thresholds are data, not code: {@link fr.referralhub.eligibility.RuleSetLoader} reads the dated rule sets of
 *       {@code eligibility/rule-sets.yaml} into a {@link fr.referralhub.eligibility.RuleSetCatalogue}, and the
 *       engine applies the {@link fr.referralhub.eligibility.RuleSet} in force on the application date (the date the
 *       partner event happened, in Europe/Paris, never the wall clock), so replaying an event gives the same
 *       decision.</li>
 *   <li>Each programme is one {@code ProgrammeRule} (Mobili-Jeune, Visale, seasonal agricultural worker aid, CEJ,
 *       EMILE). A rule only records criteria in an {@code Assessment}; the outcome and the counsellor summary are
 *       derived from those criteria in one place, the same way for every programme.</li>
 *   <li>Mobili-Pass has no rule: it is listed as closed in every rule set, which yields NOT_AVAILABLE.</li>
 *   <li>A cancelled referral is not decided: {@code EligibilityEngine.withdraw} turns its cancellation into a
 *       WITHDRAWAL record (no programme) telling consumers that the referral's decisions no longer stand.</li>
 * </ul>
 *
 * <p>To add a programme or a criterion: write or extend a {@code ProgrammeRule}, declare its thresholds as
 * {@link fr.referralhub.eligibility.RuleParameter}s, add their values to every rule set of the YAML file, and
 * register the rule in {@code EligibilityEngine.defaultRules()}.
 */
package fr.referralhub.eligibility;
