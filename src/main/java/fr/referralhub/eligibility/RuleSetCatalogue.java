package fr.referralhub.eligibility;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every rule set of one rule-set file, in date order, plus the dated reference SMIC they compute salary ceilings
 * from. Built and validated by {@link RuleSetLoader}: the rule sets follow each other without gap or overlap and
 * the SMIC is known for every date a rule set covers.
 */
public final class RuleSetCatalogue {

    private final String source;
    private final List<RuleSet> ruleSets;
    private final NavigableMap<LocalDate, BigDecimal> referenceSmicByStart;

    /**
     * @param source               name of the file the rule sets come from, for error messages
     * @param ruleSets             rule sets sorted by {@code validFrom}
     * @param referenceSmicByStart gross monthly SMIC in euros, by the date each value applies from
     */
    RuleSetCatalogue(String source, List<RuleSet> ruleSets, Map<LocalDate, BigDecimal> referenceSmicByStart) {
        this.source = source;
        this.ruleSets = List.copyOf(ruleSets);
        this.referenceSmicByStart = new TreeMap<>(referenceSmicByStart);
    }

    /** Name of the file the rule sets were loaded from. */
    public String source() {
        return source;
    }

    public List<RuleSet> ruleSets() {
        return ruleSets;
    }

    /**
     * The rule set in force on the application date.
     *
     * @throws IllegalStateException when no rule set covers the date (an event older than the first rule set, or
     *                               newer than a closed last one): deciding it with other rules would be wrong
     */
    public RuleSet ruleSetFor(LocalDate applicationDate) {
        return findRuleSetFor(applicationDate)
                .orElseThrow(() -> new IllegalStateException("No eligibility rule set of " + source
                        + " covers the application date " + applicationDate));
    }

    /** The rule set in force on the date, if any rule set covers it. */
    public Optional<RuleSet> findRuleSetFor(LocalDate date) {
        return ruleSets.stream().filter(ruleSet -> ruleSet.covers(date)).findFirst();
    }

    /**
     * The newest reference SMIC of the file: the date it applies from and its amount. Dates after it are decided with
     * it until the file gets the next value, which is what {@link ReferenceSmicAge} watches.
     */
    public Map.Entry<LocalDate, BigDecimal> newestReferenceSmic() {
        return referenceSmicByStart.lastEntry();
    }

    /** First application date any rule set covers: an event dated before it cannot be decided. */
    public LocalDate firstApplicationDate() {
        return ruleSets.get(0).validFrom();
    }

    /** Reference SMIC (gross monthly, 35 h, euros) on the date. */
    public BigDecimal referenceSmicOn(LocalDate date) {
        Map.Entry<LocalDate, BigDecimal> entry = referenceSmicByStart.floorEntry(date);
        if (entry == null) {
            throw new IllegalStateException("No reference SMIC in " + source + " for " + date);
        }
        return entry.getValue();
    }
}
