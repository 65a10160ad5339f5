package fr.referralhub.eligibility;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import fr.referralhub.avro.Need;
import fr.referralhub.avro.Programme;

/**
 * The thresholds in force during one period, under a version name that every decision made with them carries.
 *
 * <p>Instances come from {@link RuleSetLoader}, which has already checked that every parameter the rules need is
 * present and well typed, so the accessors below only fail on a programming error (a rule reading a parameter it
 * did not declare).
 *
 * @param version           name of the rule set, e.g. {@code 2024-10-29}; copied into {@code ruleSetVersion}
 * @param validFrom         first application date the rule set applies to (inclusive)
 * @param validTo           first application date it no longer applies to (exclusive); null while in force
 * @param parameters        numeric parameter values by {@link RuleParameter#key()}
 * @param codeLists         territory parameters (INSEE codes, in the file's order) by {@link RuleParameter#key()}
 * @param closedProgrammes  programmes that take no application during this rule set, with the last day they
 *                          did (shown to the counsellor)
 * @param suggestedProgrammes programmes the hub also decides, unasked, for a referral with that need ("frein"), in
 *                          order; data rather than code so that a policy change is dated and versioned like a
 *                          threshold, and a replayed referral gets the suggestions of its own date
 */
public record RuleSet(
        String version,
        LocalDate validFrom,
        LocalDate validTo,
        Map<String, BigDecimal> parameters,
        Map<String, List<String>> codeLists,
        Map<Programme, LocalDate> closedProgrammes,
        Map<Need, List<Programme>> suggestedProgrammes) {

    public RuleSet {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(validFrom, "validFrom");
        parameters = Map.copyOf(parameters);
        codeLists = Map.copyOf(codeLists);
        closedProgrammes = Map.copyOf(closedProgrammes);
        suggestedProgrammes = Map.copyOf(suggestedProgrammes);
    }

    /** Programmes a need suggests during this rule set, in order; empty when it suggests none. */
    public List<Programme> suggestedFor(Need need) {
        return suggestedProgrammes.getOrDefault(need, List.of());
    }

    /** Whether the application date falls in this rule set's validity period. */
    public boolean covers(LocalDate applicationDate) {
        return !applicationDate.isBefore(validFrom) && (validTo == null || applicationDate.isBefore(validTo));
    }

    public BigDecimal decimal(RuleParameter parameter) {
        BigDecimal value = parameters.get(parameter.key());
        if (value == null) {
            throw new IllegalStateException("Rule set " + version + " has no parameter " + parameter.key()
                    + ": declare it in the rule's parameters() so the loader requires it");
        }
        return value;
    }

    /** Whether the rule set defines the parameter, whatever its type. */
    public boolean has(RuleParameter parameter) {
        return parameters.containsKey(parameter.key()) || codeLists.containsKey(parameter.key());
    }

    /** A territory parameter: its INSEE codes, in the file's order. */
    public List<String> codes(RuleParameter parameter) {
        List<String> codes = codeLists.get(parameter.key());
        if (codes == null) {
            throw new IllegalStateException("Rule set " + version + " has no parameter " + parameter.key()
                    + ": declare it in the rule's parameters() so the loader requires it");
        }
        return codes;
    }

    public int integer(RuleParameter parameter) {
        return decimal(parameter).intValueExact();
    }

    /** Last day the programme took applications, when it is closed during this rule set. */
    public Optional<LocalDate> lastApplicationDate(Programme programme) {
        return Optional.ofNullable(closedProgrammes.get(programme));
    }
}
