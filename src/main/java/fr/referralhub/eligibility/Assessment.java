package fr.referralhub.eligibility;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import fr.referralhub.avro.CriterionCheck;
import fr.referralhub.avro.CriterionResult;
import fr.referralhub.avro.EligibilityOutcome;
import fr.referralhub.avro.Programme;
import fr.referralhub.avro.ProgrammeDecision;

/**
 * The criteria a rule checked for one programme, recorded in order, and how they turn into a
 * {@link ProgrammeDecision}. Rules only say what they saw; the outcome and the summary are derived here, the same
 * way for every programme:
 * <ol>
 *   <li>a failed {@link CriterionCode#PROGRAMME_OPEN}: NOT_AVAILABLE (the programme takes no application);</li>
 *   <li>any other failed criterion: NOT_ELIGIBLE, even when other inputs are missing, because no missing input
 *       could change that;</li>
 *   <li>any criterion that could not be checked: NEEDS_INFORMATION, listing the missing canonical fields;</li>
 *   <li>otherwise ELIGIBLE.</li>
 * </ol>
 */
final class Assessment {

    private final List<CriterionCheck> criteria = new ArrayList<>();
    private final Set<String> missingInputs = new LinkedHashSet<>();
    private Long monthlyAmountCents;
    private Long totalAmountCents;
    private String summaryDetail;

    Assessment pass(CriterionCode code, String value, String threshold, String explanation) {
        return record(code, CriterionResult.PASS, value, threshold, explanation);
    }

    Assessment fail(CriterionCode code, String value, String threshold, String explanation) {
        return record(code, CriterionResult.FAIL, value, threshold, explanation);
    }

    /** Records PASS or FAIL depending on {@code passed}, with the explanation matching the verdict. */
    Assessment passIf(boolean passed, CriterionCode code, String value, String threshold,
            String explanationIfPassed, String explanationIfFailed) {
        return passed
                ? pass(code, value, threshold, explanationIfPassed)
                : fail(code, value, threshold, explanationIfFailed);
    }

    /**
     * Records a criterion that could not be checked.
     *
     * @param value               what was known, if anything (null otherwise)
     * @param missingFieldPaths   canonical paths of the inputs that would settle it; empty when the canonical model
     *                            has no field for what is missing (the explanation then tells the counsellor what
     *                            to check)
     */
    Assessment unknown(CriterionCode code, String value, String threshold, String explanation,
            List<String> missingFieldPaths) {
        missingInputs.addAll(missingFieldPaths);
        return record(code, CriterionResult.UNKNOWN, value, threshold, explanation);
    }

    Assessment unknown(CriterionCode code, String value, String threshold, String explanation,
            String missingFieldPath) {
        return unknown(code, value, threshold, explanation, List.of(missingFieldPath));
    }

    /** Amounts of the aid, reported only when the outcome is ELIGIBLE. */
    Assessment amounts(Long monthlyAmountCents, Long totalAmountCents) {
        this.monthlyAmountCents = monthlyAmountCents;
        this.totalAmountCents = totalAmountCents;
        return this;
    }

    /**
     * End of the summary sentence for an ELIGIBLE outcome (what the aid amounts to) or a NOT_AVAILABLE one (why the
     * programme is closed), without capital or final full stop.
     */
    Assessment summaryDetail(String detail) {
        this.summaryDetail = detail;
        return this;
    }

    List<CriterionCheck> criteria() {
        return Collections.unmodifiableList(criteria);
    }

    EligibilityOutcome outcome() {
        if (criteria.stream().anyMatch(c -> c.getVerdict() == CriterionResult.FAIL
                && CriterionCode.PROGRAMME_OPEN.name().equals(c.getCode()))) {
            return EligibilityOutcome.NOT_AVAILABLE;
        }
        if (has(CriterionResult.FAIL)) {
            return EligibilityOutcome.NOT_ELIGIBLE;
        }
        if (has(CriterionResult.UNKNOWN)) {
            return EligibilityOutcome.NEEDS_INFORMATION;
        }
        return EligibilityOutcome.ELIGIBLE;
    }

    ProgrammeDecision toDecision(Programme programme, boolean requested) {
        EligibilityOutcome outcome = outcome();
        boolean eligible = outcome == EligibilityOutcome.ELIGIBLE;
        return ProgrammeDecision.newBuilder()
                .setProgramme(programme)
                .setRequested(requested)
                .setOutcome(outcome)
                .setSummary(SummaryWithoutValues.sentence(programme, outcome, criteria, summaryDetail, true))
                .setMissingInputs(outcome == EligibilityOutcome.NEEDS_INFORMATION
                        ? List.copyOf(missingInputs) : List.of())
                .setMonthlyAmountCents(eligible ? monthlyAmountCents : null)
                .setTotalAmountCents(eligible ? totalAmountCents : null)
                .setCriteria(List.copyOf(criteria))
                .build();
    }

    private boolean has(CriterionResult verdict) {
        return criteria.stream().anyMatch(c -> c.getVerdict() == verdict);
    }

    private Assessment record(CriterionCode code, CriterionResult verdict, String value, String threshold,
            String explanation) {
        criteria.add(CriterionCheck.newBuilder()
                .setCode(code.name())
                .setVerdict(verdict)
                .setValue(value)
                .setThreshold(threshold)
                .setExplanation(explanation)
                .build());
        return this;
    }
}
