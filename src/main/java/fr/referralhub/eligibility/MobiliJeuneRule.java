package fr.referralhub.eligibility;

import static fr.referralhub.avro.Programme.MOBILI_JEUNE;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import fr.referralhub.avro.ContractType;
import fr.referralhub.avro.EmployerSector;
import fr.referralhub.avro.Programme;

/**
 * Mobili-Jeune (Action Logement): a monthly rent aid for young people in work-study who move for their contract.
 *
 * <p>The amount (10 to 100 EUR a month) is what is left of the rent after the housing benefit (APL), which the hub
 * does not know: the decision gives the range in its summary and no monthly amount.
 */
final class MobiliJeuneRule implements ProgrammeRule {

    static final RuleParameter AGE_LIMIT_EXCLUSIVE = RuleParameter.integer(MOBILI_JEUNE, "ageLimitExclusive");
    static final RuleParameter SALARY_CEILING_SMIC_PERCENT =
            RuleParameter.decimal(MOBILI_JEUNE, "salaryCeilingSmicPercent");
    static final RuleParameter MONTHS_BEFORE_START =
            RuleParameter.integer(MOBILI_JEUNE, "applicationMonthsBeforeContractStart");
    static final RuleParameter MONTHS_AFTER_START =
            RuleParameter.integer(MOBILI_JEUNE, "applicationMonthsAfterContractStart");
    static final RuleParameter MINIMUM_DISTANCE_KM = RuleParameter.integer(MOBILI_JEUNE, "minimumDistanceKm");
    static final RuleParameter MINIMUM_MONTHLY_AID = RuleParameter.decimal(MOBILI_JEUNE, "minimumMonthlyAidEur");
    static final RuleParameter MAXIMUM_MONTHLY_AID = RuleParameter.decimal(MOBILI_JEUNE, "maximumMonthlyAidEur");

    /** Work-study contracts: the programme's very definition, not a threshold, hence in code. */
    private static final Set<ContractType> WORK_STUDY_CONTRACTS =
            EnumSet.of(ContractType.APPRENTISSAGE, ContractType.PROFESSIONNALISATION);

    @Override
    public Programme programme() {
        return MOBILI_JEUNE;
    }

    @Override
    public List<RuleParameter> parameters() {
        return List.of(AGE_LIMIT_EXCLUSIVE, SALARY_CEILING_SMIC_PERCENT, MONTHS_BEFORE_START, MONTHS_AFTER_START,
                MINIMUM_DISTANCE_KM, MINIMUM_MONTHLY_AID, MAXIMUM_MONTHLY_AID);
    }

    @Override
    public Assessment assess(ReferralFacts facts, RuleContext context) {
        RuleSet rules = context.ruleSet();
        Assessment assessment = new Assessment();
        CommonChecks.ageBetween(assessment, CriterionCode.AGE_UNDER_30, facts, context,
                null, rules.integer(AGE_LIMIT_EXCLUSIVE) - 1, null);
        CommonChecks.contractType(assessment, facts, WORK_STUDY_CONTRACTS);
        checkEmployerSector(assessment, facts);
        checkSalaryCeiling(assessment, facts, context);
        CommonChecks.applicationWindow(assessment, facts, context,
                rules.integer(MONTHS_BEFORE_START), rules.integer(MONTHS_AFTER_START));
        checkDistanceOrDoubleRent(assessment, facts, rules.integer(MINIMUM_DISTANCE_KM));
        return assessment.summaryDetail("le montant (de " + FrenchText.euros(rules.decimal(MINIMUM_MONTHLY_AID))
                + " à " + FrenchText.euros(rules.decimal(MAXIMUM_MONTHLY_AID))
                + " par mois) dépend de l'aide au logement et sera calculé par Action Logement");
    }

    private static void checkEmployerSector(Assessment assessment, ReferralFacts facts) {
        String threshold = FrenchText.employerSector(EmployerSector.PRIVE_NON_AGRICOLE);
        EmployerSector sector = facts.employerSector();
        if (sector == null) {
            assessment.unknown(CriterionCode.EMPLOYER_SECTOR, null, threshold,
                    "Secteur de l'employeur inconnu : à préciser.", ReferralFacts.EMPLOYER_SECTOR_PATH);
            return;
        }
        String value = FrenchText.employerSector(sector);
        assessment.passIf(sector == EmployerSector.PRIVE_NON_AGRICOLE, CriterionCode.EMPLOYER_SECTOR, value,
                threshold, "Employeur du secteur privé non agricole : condition remplie.",
                FrenchText.capitalized(value) + " : Mobili-Jeune est réservée aux salariés des employeurs privés "
                        + "non agricoles.");
    }

    private static void checkSalaryCeiling(Assessment assessment, ReferralFacts facts, RuleContext context) {
        BigDecimal percent = context.ruleSet().decimal(SALARY_CEILING_SMIC_PERCENT);
        BigDecimal ceiling = Money.percentOf(percent, context.referenceSmicEur());
        String share = FrenchText.percent(percent) + " du SMIC";
        String threshold = "<= " + FrenchText.euros(ceiling) + " (" + share + " "
                + FrenchText.euros(context.referenceSmicEur()) + ")";
        Long gross = facts.grossMonthlySalaryCents();
        if (gross == null) {
            // The ceiling is on the gross salary; a net salary is never turned into a gross one by guessing.
            String why = facts.netMonthlySalaryCents() != null
                    ? "Seul le salaire net est connu, or le plafond porte sur le salaire brut : salaire brut mensuel "
                            + "à préciser."
                    : "Salaire brut mensuel inconnu : à préciser.";
            assessment.unknown(CriterionCode.SALARY_CEILING, null, threshold, why, ReferralFacts.GROSS_SALARY_PATH);
            return;
        }
        String value = FrenchText.euros(gross);
        assessment.passIf(gross <= Money.cents(ceiling), CriterionCode.SALARY_CEILING, value, threshold,
                "Salaire brut de " + value + " : sous le plafond de " + share + ".",
                "Salaire brut de " + value + " : au-dessus du plafond de " + FrenchText.euros(ceiling)
                        + " (" + share + ").");
    }

    /**
     * The move must be long (new home more than {@code minimumKm} from the previous one) or cost a double rent.
     * The canonical record has no "previous home to new home" distance: the home-to-workplace distance stands for it,
     * the new home being near the workplace. The alternative "more than 40 minutes" of the programme is not
     * transmitted by partners, so the counsellor is told to check it when the distance fails.
     */
    private static void checkDistanceOrDoubleRent(Assessment assessment, ReferralFacts facts, int minimumKm) {
        String threshold = "> " + FrenchText.kilometres(minimumKm) + " ou double loyer";
        Integer distance = facts.homeToWorkDistanceKm();
        Boolean doubleRent = facts.doubleRent();
        String value = (distance == null ? "distance inconnue" : FrenchText.kilometres(distance)) + ", "
                + (doubleRent == null ? "double loyer non précisé" : doubleRent ? "double loyer" : "pas de double loyer");
        if (distance != null && distance > minimumKm) {
            // The partner gives the distance from the current home to the workplace, not the length of the move:
            // the sentence says so rather than state a move distance nobody measured.
            assessment.pass(CriterionCode.DISTANCE_OR_DOUBLE_RENT, value, threshold, "Lieu de travail à "
                    + FrenchText.kilometres(distance) + " du domicile actuel, le nouveau logement étant pris près du "
                    + "travail : plus de " + FrenchText.kilometres(minimumKm) + ".");
        } else if (Boolean.TRUE.equals(doubleRent)) {
            assessment.pass(CriterionCode.DISTANCE_OR_DOUBLE_RENT, value, threshold,
                    "La personne paiera un double loyer pendant le déménagement : condition remplie.");
        } else if (distance != null && Boolean.FALSE.equals(doubleRent)) {
            assessment.fail(CriterionCode.DISTANCE_OR_DOUBLE_RENT, value, threshold, "Lieu de travail à "
                    + FrenchText.kilometres(distance) + " du domicile actuel (" + FrenchText.kilometres(minimumKm)
                    + " au plus) sans "
                    + "double loyer : condition non remplie, sauf trajet de plus de 40 minutes (à vérifier par le "
                    + "conseiller, le hub ne reçoit pas cette durée).");
        } else {
            List<String> missing = new ArrayList<>();
            if (distance == null) {
                missing.add(ReferralFacts.DISTANCE_PATH);
            }
            if (doubleRent == null) {
                missing.add(ReferralFacts.DOUBLE_RENT_PATH);
            }
            String explanation;
            if (distance == null && doubleRent == null) {
                explanation = "Distance du déménagement et double loyer inconnus : à préciser.";
            } else if (distance == null) {
                explanation = "Pas de double loyer et distance du déménagement inconnue : à préciser.";
            } else {
                explanation = "Lieu de travail à " + FrenchText.kilometres(distance) + " du domicile actuel ("
                        + FrenchText.kilometres(minimumKm) + " au plus) et double loyer non précisé : à préciser.";
            }
            assessment.unknown(CriterionCode.DISTANCE_OR_DOUBLE_RENT, value, threshold, explanation, missing);
        }
    }
}
