package fr.referralhub.eligibility;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

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
                .setSummary(summary(programme, outcome))
                .setMissingInputs(outcome == EligibilityOutcome.NEEDS_INFORMATION
                        ? List.copyOf(missingInputs) : List.of())
                .setMonthlyAmountCents(eligible ? monthlyAmountCents : null)
                .setTotalAmountCents(eligible ? totalAmountCents : null)
                .setCriteria(List.copyOf(criteria))
                .build();
    }

    /** One French sentence for the counsellor, e.g. "Non éligible à Mobili-Jeune : critère non rempli : âge (30 ans)." */
    private String summary(Programme programme, EligibilityOutcome outcome) {
        String detail = summaryDetail == null ? "" : " ; " + summaryDetail;
        return switch (outcome) {
            case ELIGIBLE -> "Éligible " + FrenchText.afterA(programme) + " : "
                    + (criteria.size() == 1 ? "le critère vérifié est rempli"
                            : "les " + criteria.size() + " critères vérifiés sont remplis")
                    + detail + ".";
            case NOT_ELIGIBLE -> "Non éligible " + FrenchText.afterA(programme) + " : "
                    + listOf(CriterionResult.FAIL, "critère non rempli : ", "critères non remplis : ") + ".";
            case NEEDS_INFORMATION -> "Éligibilité " + FrenchText.afterA(programme) + " à confirmer : "
                    + listOf(CriterionResult.UNKNOWN, "information manquante pour le critère ",
                            "informations manquantes pour les critères ") + ".";
            case NOT_AVAILABLE -> FrenchText.capitalized(FrenchText.programme(programme))
                    + " n'est pas disponible à la date de la demande" + (summaryDetail == null ? "" : " : "
                    + summaryDetail) + ".";
        };
    }

    /** Labels (with the value seen, when there is one) of the criteria with that verdict, after a prefix. */
    private String listOf(CriterionResult verdict, String prefixForOne, String prefixForMany) {
        List<String> items = criteria.stream()
                .filter(c -> c.getVerdict() == verdict)
                .map(c -> CriterionCode.valueOf(c.getCode()).label()
                        + (verdict == CriterionResult.FAIL && c.getValue() != null ? " (" + c.getValue() + ")" : ""))
                .collect(Collectors.toList());
        return (items.size() == 1 ? prefixForOne : prefixForMany) + String.join(", ", items);
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
