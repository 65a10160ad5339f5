package fr.referralhub.eligibility;

import java.util.List;

import fr.referralhub.avro.CriterionCheck;
import fr.referralhub.avro.CriterionResult;
import fr.referralhub.avro.EligibilityOutcome;
import fr.referralhub.avro.Programme;
import fr.referralhub.avro.ProgrammeDecision;

/**
 * A decision's sentence for a counselling service: the outcome and the criteria by name, never the values the rules
 * saw. A decision's own summary quotes them ("âge (27 ans)", a salary, contract dates), which is right for the
 * referrer and the housing-aid provider; a service gets only the fields of its subscription's profile, and the
 * eligibility group must not bring back the age or salary the profile left out. Both sentences are written by
 * {@link #sentence}, so they read the same but for the values.
 */
public final class SummaryWithoutValues {

    private SummaryWithoutValues() {
    }

    public static String of(ProgrammeDecision decision) {
        return sentence(decision.getProgramme(), decision.getOutcome(), decision.getCriteria(), null, false);
    }

    /**
     * One French sentence for a counsellor, e.g. "Non éligible à Mobili-Jeune : critère non rempli : âge (30 ans)."
     *
     * @param detail     what the rule adds (an aid's range...), or null; it may quote values, so only with them
     * @param withValues whether a failed criterion shows the value the rule saw
     */
    static String sentence(Programme programme, EligibilityOutcome outcome, List<CriterionCheck> criteria,
                           String detail, boolean withValues) {
        String name = FrenchText.afterA(programme);
        return switch (outcome) {
            case ELIGIBLE -> "Éligible " + name + " : " + (criteria.size() == 1 ? "le critère vérifié est rempli"
                    : "les " + criteria.size() + " critères vérifiés sont remplis")
                    + (detail == null ? "" : " ; " + detail) + ".";
            case NOT_ELIGIBLE -> "Non éligible " + name + " : " + labels(criteria, CriterionResult.FAIL,
                    "critère non rempli : ", "critères non remplis : ", withValues) + ".";
            case NEEDS_INFORMATION -> "Éligibilité " + name + " à confirmer : " + labels(criteria,
                    CriterionResult.UNKNOWN, "information manquante pour le critère ",
                    "informations manquantes pour les critères ", withValues) + ".";
            case NOT_AVAILABLE -> FrenchText.capitalized(FrenchText.programme(programme))
                    + " n'est pas disponible à la date de la demande" + (detail == null ? "" : " : " + detail) + ".";
        };
    }

    /** Labels (with the value seen, when asked and there is one) of the criteria with that verdict, after a prefix. */
    private static String labels(List<CriterionCheck> criteria, CriterionResult verdict, String prefixForOne,
                                 String prefixForMany, boolean withValues) {
        List<String> items = criteria.stream().filter(c -> c.getVerdict() == verdict)
                .map(c -> label(c.getCode()) + (withValues && verdict == CriterionResult.FAIL && c.getValue() != null
                        ? " (" + c.getValue() + ")" : ""))
                .toList();
        return (items.size() == 1 ? prefixForOne : prefixForMany) + String.join(", ", items);
    }

    /** A criterion a later rule set added and this hub does not know yet is named by its code. */
    private static String label(String code) {
        try {
            return CriterionCode.valueOf(code).label();
        } catch (IllegalArgumentException unknown) {
            return code;
        }
    }
}
