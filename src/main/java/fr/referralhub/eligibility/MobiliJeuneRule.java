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
    static final RuleParameter MINIMUM_TRAVEL_MINUTES = RuleParameter.integer(MOBILI_JEUNE, "minimumTravelMinutes");
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
                MINIMUM_DISTANCE_KM, MINIMUM_TRAVEL_MINUTES, MINIMUM_MONTHLY_AID, MAXIMUM_MONTHLY_AID);
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
        checkDistanceOrDoubleRent(assessment, facts, rules.integer(MINIMUM_DISTANCE_KM),
                rules.integer(MINIMUM_TRAVEL_MINUTES));
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
     * The move must be long (new home more than {@code minimumKm} or more than {@code minimumMinutes} from the previous
     * one) or cost a double rent: any one of the three passes; a fail needs all three known, since an unknown one
     * could still pass. The canonical record has no "previous home to new home" distance or travel time: the
     * home-to-workplace ones stand for them, the new home being near the workplace, and the sentences say so.
     */
    private static void checkDistanceOrDoubleRent(Assessment assessment, ReferralFacts facts, int minimumKm,
            int minimumMinutes) {
        CriterionCode code = CriterionCode.DISTANCE_OR_DOUBLE_RENT;
        String threshold = "> " + FrenchText.kilometres(minimumKm) + " ou > " + FrenchText.minutes(minimumMinutes)
                + " de trajet, ou double loyer";
        Integer distance = facts.homeToWorkDistanceKm();
        Integer minutes = facts.homeToWorkTravelMinutes();
        Boolean doubleRent = facts.doubleRent();
        String value = (distance == null ? "distance inconnue" : FrenchText.kilometres(distance)) + ", "
                + (minutes == null ? "temps de trajet inconnu" : FrenchText.minutes(minutes) + " de trajet") + ", "
                + (doubleRent == null ? "double loyer non précisé" : doubleRent ? "double loyer" : "pas de double loyer");
        String toWork = " du domicile actuel, le nouveau logement étant pris près du travail";
        if (distance != null && distance > minimumKm) {
            assessment.pass(code, value, threshold, "Lieu de travail à " + FrenchText.kilometres(distance) + toWork
                    + " : plus de " + FrenchText.kilometres(minimumKm) + ", condition remplie.");
        } else if (minutes != null && minutes > minimumMinutes) {
            assessment.pass(code, value, threshold, "Lieu de travail à " + FrenchText.minutes(minutes) + " de trajet"
                    + toWork + " : plus de " + FrenchText.minutes(minimumMinutes) + ", condition remplie.");
        } else if (Boolean.TRUE.equals(doubleRent)) {
            assessment.pass(code, value, threshold,
                    "La personne paiera un double loyer pendant le déménagement : condition remplie.");
        } else if (distance != null && minutes != null && doubleRent != null) {
            assessment.fail(code, value, threshold, "Lieu de travail à " + FrenchText.kilometres(distance) + " et "
                    + FrenchText.minutes(minutes) + " de trajet du domicile actuel (au plus "
                    + FrenchText.kilometres(minimumKm) + " et " + FrenchText.minutes(minimumMinutes)
                    + "), sans double loyer : condition non remplie.");
        } else {
            List<String> missing = new ArrayList<>();
            List<String> toSpecify = new ArrayList<>();
            if (distance == null) {
                missing.add(ReferralFacts.DISTANCE_PATH);
                toSpecify.add("distance");
            }
            if (minutes == null) {
                missing.add(ReferralFacts.TRAVEL_MINUTES_PATH);
                toSpecify.add("temps de trajet");
            }
            if (doubleRent == null) {
                missing.add(ReferralFacts.DOUBLE_RENT_PATH);
                toSpecify.add("double loyer");
            }
            assessment.unknown(code, value, threshold, FrenchText.capitalized(value) + " : à préciser, une seule "
                    + "des trois conditions suffit : " + String.join(", ", toSpecify) + ".", missing);
        }
    }
}
