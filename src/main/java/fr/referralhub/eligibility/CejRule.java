package fr.referralhub.eligibility;

import static fr.referralhub.avro.Programme.CEJ;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import fr.referralhub.avro.EmploymentStatus;
import fr.referralhub.avro.Programme;

/**
 * Contrat d'engagement jeune (CEJ): intensive support towards work for young people not in employment, education
 * or training.
 *
 * <p>The programme also takes people up to 29 with a recognised disability (RQTH). The hub never receives health
 * data (it is sensitive), so a person between the two age limits fails the age criterion with an explanation
 * asking the counsellor to check that exception. The monthly allowance depends on the person's resources and is set by the
 * adviser: the decision gives no amount.
 */
final class CejRule implements ProgrammeRule {

    static final RuleParameter MINIMUM_AGE = RuleParameter.integer(CEJ, "minimumAge");
    static final RuleParameter MAXIMUM_AGE = RuleParameter.integer(CEJ, "maximumAge");
    static final RuleParameter DISABILITY_MAXIMUM_AGE = RuleParameter.integer(CEJ, "disabilityMaximumAge");

    /** Statuses that mean "without work": a job seeker, or someone with no activity at all. */
    private static final Set<EmploymentStatus> WITHOUT_WORK =
            EnumSet.of(EmploymentStatus.DEMANDEUR_EMPLOI, EmploymentStatus.SANS_ACTIVITE);

    @Override
    public Programme programme() {
        return CEJ;
    }

    @Override
    public List<RuleParameter> parameters() {
        return List.of(MINIMUM_AGE, MAXIMUM_AGE, DISABILITY_MAXIMUM_AGE);
    }

    @Override
    public Assessment assess(ReferralFacts facts, RuleContext context) {
        RuleSet rules = context.ruleSet();
        int maximumAge = rules.integer(MAXIMUM_AGE);
        int disabilityMaximumAge = rules.integer(DISABILITY_MAXIMUM_AGE);
        Integer age = facts.ageOn(context.applicationDate());
        String disabilityNote = age != null && age > maximumAge && age <= disabilityMaximumAge
                ? "sauf reconnaissance de handicap (RQTH), qui ouvre le CEJ jusqu'à " + FrenchText.age(
                        disabilityMaximumAge) + " : le hub ne reçoit pas cette information, à vérifier par le conseiller"
                : null;
        Assessment assessment = new Assessment();
        CommonChecks.ageBetween(assessment, CriterionCode.AGE_16_TO_25, facts, context,
                rules.integer(MINIMUM_AGE), maximumAge, disabilityNote);
        checkNotInEmploymentEducationOrTraining(assessment, facts);
        return assessment.summaryDetail("l'allocation éventuelle dépend des ressources et est fixée par le "
                + "conseiller de la mission locale ou de France Travail");
    }

    /**
     * Without work (job seeker or no activity) and not following a course. Whether a course is followed is asked when
     * unknown, never assumed: a job seeker may well be in a training course (DOMAIN.md: "not in employment, education
     * or training" is a condition, and a missing input gives NEEDS_INFORMATION).
     */
    private static void checkNotInEmploymentEducationOrTraining(Assessment assessment, ReferralFacts facts) {
        CriterionCode code = CriterionCode.NOT_IN_EMPLOYMENT_EDUCATION_OR_TRAINING;
        String threshold = "sans emploi (demandeur d'emploi ou sans activité), ni études ni formation";
        EmploymentStatus status = facts.employmentStatus();
        if (status == null) {
            assessment.unknown(code, null, threshold, "Situation professionnelle inconnue : à préciser.",
                    ReferralFacts.EMPLOYMENT_STATUS_PATH);
            return;
        }
        String value = FrenchText.employmentStatus(status);
        if (!WITHOUT_WORK.contains(status)) {
            assessment.fail(code, value, threshold, FrenchText.capitalized(value) + " : le CEJ s'adresse aux jeunes "
                    + "qui ne sont ni en emploi, ni en études, ni en formation.");
        } else if (Boolean.TRUE.equals(facts.inEducationOrTraining())) {
            assessment.fail(code, value + ", en formation", threshold, "La personne suit des études ou une "
                    + "formation : le CEJ s'adresse aux jeunes qui ne sont ni en emploi, ni en études, ni en formation.");
        } else if (facts.inEducationOrTraining() == null) {
            assessment.unknown(code, value + ", études ou formation non précisées", threshold,
                    FrenchText.capitalized(value) + " : sans emploi ; suivi d'études ou d'une formation non transmis, "
                            + "à préciser.", ReferralFacts.IN_EDUCATION_OR_TRAINING_PATH);
        } else {
            assessment.pass(code, value, threshold, FrenchText.capitalized(value)
                    + ", sans études ni formation en cours : condition remplie.");
        }
    }
}
