package fr.referralhub.eligibility;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * What a rule decides against, besides the referral's facts: the application date and the thresholds in force on
 * it. Rules never look at the wall clock, so the same event always gets the same decision.
 *
 * @param applicationDate  the date the partner event happened, in Europe/Paris
 * @param ruleSet          the rule set in force on that date
 * @param referenceSmicEur the gross monthly SMIC on that date, in euros
 * @param earlierAids      the aids the hub already found the same person eligible for, on other referrals
 */
record RuleContext(LocalDate applicationDate, RuleSet ruleSet, BigDecimal referenceSmicEur,
                   List<EarlierAid> earlierAids) {

    RuleContext {
        earlierAids = earlierAids == null ? List.of() : List.copyOf(earlierAids);
    }
}
