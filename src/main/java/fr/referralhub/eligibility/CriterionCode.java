package fr.referralhub.eligibility;

/**
 * Stable codes of the criteria, as they appear in {@code CriterionCheck.code}; consumers may key on them, so a code
 * is never renamed. The threshold a code refers to comes from the rule set (a code like {@code AGE_UNDER_30} names
 * the programme's rule, the "30" itself is a parameter).
 *
 * <p>The label is the short French name of the criterion used in the one-sentence summary of a decision.
 */
enum CriterionCode {
    PROGRAMME_OPEN("ouverture du dispositif"),
    AGE_UNDER_30("âge"),
    AGE_16_TO_25("âge"),
    AGE_OR_WORK_SITUATION("âge ou situation professionnelle"),
    CONTRACT_TYPE("type de contrat"),
    EMPLOYER_SECTOR("secteur de l'employeur"),
    SALARY_CEILING("plafond de salaire"),
    APPLICATION_WINDOW("délai de demande"),
    /** Distance, travel time or double rent: the code keeps its first name, the travel time came later. */
    DISTANCE_OR_DOUBLE_RENT("distance, temps de trajet ou double loyer"),
    RENT_CAP("plafond de loyer"),
    NOT_IN_EMPLOYMENT_EDUCATION_OR_TRAINING("ni en emploi, ni en études, ni en formation"),
    HOME_TERRITORY("lieu de résidence"),
    WORK_PERMIT("autorisation de travail"),
    HOUSING_SITUATION("situation de logement"),
    EMPLOYMENT_SITUATION("situation d'emploi"),
    WILLING_TO_MOVE("volontariat pour déménager"),
    HOST_DEPARTEMENT("département d'accueil"),
    ONCE_MORE_IN_ANOTHER_YEAR("aides déjà obtenues");

    private final String label;

    CriterionCode(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
