package fr.referralhub.eligibility;

import java.time.LocalDate;
import java.util.Set;
import java.util.stream.Collectors;

import fr.referralhub.avro.ContractType;

/** Criteria several programmes share, written once: an age limit, a contract type, an application window. */
final class CommonChecks {

    private CommonChecks() {
    }

    /**
     * Age on the application date within {@code [minimumAge, maximumAge]}.
     *
     * @param minimumAge  null when there is no lower limit (the threshold then reads "{@code < maximumAge+1} ans")
     * @param failureNote appended to the explanation of a failure (e.g. an exception the hub cannot check), or null
     */
    static void ageBetween(Assessment assessment, CriterionCode code, ReferralFacts facts, RuleContext context,
            Integer minimumAge, int maximumAge, String failureNote) {
        String threshold = minimumAge == null
                ? "< " + FrenchText.age(maximumAge + 1)
                : "de " + minimumAge + " à " + FrenchText.age(maximumAge);
        Integer age = facts.ageOn(context.applicationDate());
        if (age == null) {
            assessment.unknown(code, null, threshold, unknownAgeExplanation(facts), ReferralFacts.BIRTH_DATE_PATH);
            return;
        }
        String onDate = FrenchText.age(age) + " au " + FrenchText.date(context.applicationDate());
        boolean inRange = (minimumAge == null || age >= minimumAge) && age <= maximumAge;
        assessment.passIf(inRange, code, FrenchText.age(age), threshold,
                onDate + " : condition d'âge remplie (" + threshold + ").",
                onDate + " : hors de la limite d'âge (" + threshold + ")"
                        + (failureNote == null ? "" : ", " + failureNote) + ".");
    }

    /** Why the age is unknown: no birth date, or one after the application date (to be corrected). */
    static String unknownAgeExplanation(ReferralFacts facts) {
        return facts.birthDate() == null
                ? "Date de naissance inconnue : l'âge à la date de la demande ne peut pas être calculé."
                : "Date de naissance postérieure à la date de la demande : elle est à corriger.";
    }

    /** The contract type is one of {@code accepted}. */
    static void contractType(Assessment assessment, ReferralFacts facts, Set<ContractType> accepted) {
        String threshold = accepted.stream().map(FrenchText::contractType).collect(Collectors.joining(" ou "));
        ContractType type = facts.contractType();
        if (type == null && facts.knownToHaveNoContract()) {
            String status = FrenchText.employmentStatus(facts.employmentStatus());
            assessment.fail(CriterionCode.CONTRACT_TYPE, "aucun contrat, " + status, threshold,
                    FrenchText.capitalized(status) + " sans contrat : le dispositif demande un " + threshold + ".");
            return;
        }
        if (type == null) {
            assessment.unknown(CriterionCode.CONTRACT_TYPE, null, threshold,
                    "Aucun contrat de travail transmis : le type de contrat est à préciser.",
                    ReferralFacts.CONTRACT_TYPE_PATH);
            return;
        }
        String value = FrenchText.contractType(type);
        assessment.passIf(accepted.contains(type), CriterionCode.CONTRACT_TYPE, value, threshold,
                FrenchText.capitalized(value) + " : type de contrat accepté.",
                FrenchText.capitalized(value) + " : le dispositif demande un " + threshold + ".");
    }

    /**
     * The application date lies between {@code monthsBefore} months before the contract start and
     * {@code monthsAfter} months after it, both days included.
     *
     * @param monthsBefore null when an application before the start is always accepted
     */
    static void applicationWindow(Assessment assessment, ReferralFacts facts, RuleContext context,
            Integer monthsBefore, int monthsAfter) {
        LocalDate start = facts.contractStart();
        LocalDate applied = context.applicationDate();
        if (start == null) {
            String threshold = (monthsBefore == null ? "au plus tard " : "de " + monthsBefore + " mois avant à ")
                    + monthsAfter + " mois après le début du contrat";
            assessment.unknown(CriterionCode.APPLICATION_WINDOW, "demande du " + FrenchText.date(applied), threshold,
                    "Date de début du contrat inconnue : le délai de demande ne peut pas être vérifié.",
                    ReferralFacts.CONTRACT_START_PATH);
            return;
        }
        LocalDate opens = monthsBefore == null ? null : start.minusMonths(monthsBefore);
        LocalDate closes = start.plusMonths(monthsAfter);
        String threshold = opens == null
                ? "au plus tard le " + FrenchText.date(closes)
                : "du " + FrenchText.date(opens) + " au " + FrenchText.date(closes);
        String value = "demande du " + FrenchText.date(applied) + ", début du contrat le " + FrenchText.date(start);
        if (opens != null && applied.isBefore(opens)) {
            assessment.fail(CriterionCode.APPLICATION_WINDOW, value, threshold, "Demande trop précoce : elle est "
                    + "possible à partir du " + FrenchText.date(opens) + " (" + monthsBefore
                    + " mois avant le début du contrat).");
        } else if (applied.isAfter(closes)) {
            assessment.fail(CriterionCode.APPLICATION_WINDOW, value, threshold, "Demande trop tardive : elle devait "
                    + "être faite au plus tard le " + FrenchText.date(closes) + " (" + monthsAfter
                    + " mois après le début du contrat).");
        } else {
            assessment.pass(CriterionCode.APPLICATION_WINDOW, value, threshold,
                    "Demande faite dans le délai (" + threshold + ").");
        }
    }
}
