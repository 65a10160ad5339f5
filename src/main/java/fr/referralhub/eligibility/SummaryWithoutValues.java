package fr.referralhub.eligibility;

import java.util.List;

import fr.referralhub.avro.CriterionCheck;
import fr.referralhub.avro.CriterionResult;
import fr.referralhub.avro.ProgrammeDecision;

/**
 * A decision's sentence for a counselling service: the outcome and the criteria by name, never the values the rules
 * saw. A decision's own summary quotes them ("âge (27 ans)", a salary, contract dates), which is right for the
 * referrer and the housing-aid provider; a service gets only the fields of its subscription's profile, and the
 * eligibility group must not bring back the age or salary the profile left out.
 */
public final class SummaryWithoutValues {

    private SummaryWithoutValues() {
    }

    public static String of(ProgrammeDecision decision) {
        String programme = FrenchText.afterA(decision.getProgramme());
        List<CriterionCheck> criteria = decision.getCriteria();
        return switch (decision.getOutcome()) {
            case ELIGIBLE -> "Éligible " + programme + " : " + (criteria.size() == 1 ? "le critère vérifié est rempli"
                    : "les " + criteria.size() + " critères vérifiés sont remplis") + ".";
            case NOT_ELIGIBLE -> "Non éligible " + programme + " : "
                    + labels(criteria, CriterionResult.FAIL, "critère non rempli : ", "critères non remplis : ") + ".";
            case NEEDS_INFORMATION -> "Éligibilité " + programme + " à confirmer : " + labels(criteria,
                    CriterionResult.UNKNOWN, "information manquante pour le critère ",
                    "informations manquantes pour les critères ") + ".";
            case NOT_AVAILABLE -> FrenchText.capitalized(FrenchText.programme(decision.getProgramme()))
                    + " n'est pas disponible à la date de la demande.";
        };
    }

    private static String labels(List<CriterionCheck> criteria, CriterionResult verdict, String prefixForOne,
                                 String prefixForMany) {
        List<String> labels = criteria.stream().filter(c -> c.getVerdict() == verdict).map(c -> label(c.getCode()))
                .toList();
        return (labels.size() == 1 ? prefixForOne : prefixForMany) + String.join(", ", labels);
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
