package fr.referralhub.eligibility;

import java.util.List;

import fr.referralhub.avro.Programme;

/** The eligibility rule of one programme. Implementations are stateless: all thresholds come from the rule set. */
interface ProgrammeRule {

    Programme programme();

    /** Every rule-set parameter {@link #assess} reads, so the loader can require them in each rule set. */
    List<RuleParameter> parameters();

    /** Checks every criterion of the programme, in the order a counsellor would, and records each one. */
    Assessment assess(ReferralFacts facts, RuleContext context);
}
