package fr.referralhub.eligibility;

import static fr.referralhub.avro.Programme.EMILE;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import fr.referralhub.avro.ContractType;
import fr.referralhub.avro.EmploymentStatus;
import fr.referralhub.avro.HousingSituation;
import fr.referralhub.avro.Programme;

/**
 * EMILE (Engagés pour la mobilité et l'insertion par le logement et l'emploi): an accompanied move out of Ile-de-France
 * (or the Lyon metropolis) for badly housed people far from stable work, towards host departements with jobs and
 * vacant housing.
 *
 * <p>What the hub cannot decide is reported as information to check, never guessed:
 * <ul>
 *   <li>a Rhone commune other than Lyon (see {@link Territories#KNOWN_LYON_METROPOLIS_COMMUNES});</li>
 *   <li>a person in work on a contract of unknown length (no end date) or whose working time is not transmitted:
 *       EMILE takes contracts under {@code maximumContractMonths} and part-time work, so the decision names
 *       {@code employment.contract.endDate} or {@code employment.contract.partTime};</li>
 *   <li>the person's commitment to move (the programme is voluntary), left to the EMILE operator.</li>
 * </ul>
 */
final class EmileRule implements ProgrammeRule {

    /** "Badly housed": hosted by someone, homeless, or in emergency accommodation. */
    private static final Set<HousingSituation> BADLY_HOUSED = EnumSet.of(
            HousingSituation.HEBERGE_TIERS, HousingSituation.SANS_DOMICILE, HousingSituation.HEBERGEMENT_URGENCE);

    private static final Set<EmploymentStatus> WITHOUT_WORK =
            EnumSet.of(EmploymentStatus.DEMANDEUR_EMPLOI, EmploymentStatus.SANS_ACTIVITE);

    /** Contracts that are precarious by nature, whatever their length. */
    private static final Set<ContractType> PRECARIOUS_CONTRACTS = EnumSet.of(ContractType.INTERIM, ContractType.CDDI);

    /** A contract shorter than this many months qualifies (DOMAIN.md: "contract < 6 months"). */
    static final RuleParameter MAXIMUM_CONTRACT_MONTHS = RuleParameter.integer(EMILE, "maximumContractMonths");

    @Override
    public Programme programme() {
        return EMILE;
    }

    @Override
    public List<RuleParameter> parameters() {
        return List.of(MAXIMUM_CONTRACT_MONTHS);
    }

    @Override
    public Assessment assess(ReferralFacts facts, RuleContext context) {
        Assessment assessment = new Assessment();
        checkHomeTerritory(assessment, facts);
        checkWorkPermit(assessment, facts);
        checkHousingSituation(assessment, facts);
        checkEmploymentSituation(assessment, facts, context.ruleSet().integer(MAXIMUM_CONTRACT_MONTHS));
        return assessment.summaryDetail("l'engagement volontaire de la personne dans une mobilité vers un "
                + "département d'accueil reste à confirmer avec l'opérateur EMILE");
    }

    private static void checkHomeTerritory(Assessment assessment, ReferralFacts facts) {
        CriterionCode code = CriterionCode.HOME_TERRITORY;
        String threshold = "Île-de-France (75, 77, 78, 91, 92, 93, 94, 95) ou Métropole de Lyon";
        String departement = facts.homeDepartement();
        if (departement == null) {
            assessment.unknown(code, null, threshold, "Département de résidence inconnu : à préciser.",
                    ReferralFacts.HOME_DEPARTEMENT_PATH);
            return;
        }
        String value = "département " + departement;
        if (Territories.isIleDeFrance(departement)) {
            assessment.pass(code, value, threshold, "Réside en Île-de-France : condition remplie.");
            return;
        }
        if (!Territories.RHONE_DEPARTEMENT.equals(departement)) {
            assessment.fail(code, value, threshold, "Réside dans le département " + departement
                    + " : EMILE s'adresse aux habitants de l'Île-de-France et de la Métropole de Lyon.");
            return;
        }
        String commune = facts.homeCommune();
        if (commune == null) {
            assessment.unknown(code, value, threshold, "Réside dans le Rhône, commune inconnue : à préciser pour "
                    + "savoir si elle fait partie de la Métropole de Lyon.", ReferralFacts.HOME_COMMUNE_PATH);
        } else if (Territories.KNOWN_LYON_METROPOLIS_COMMUNES.contains(commune)) {
            assessment.pass(code, "commune " + commune, threshold, "Réside à Lyon : condition remplie.");
        } else {
            // No canonical field is missing: the hub's own list is incomplete, so the counsellor checks.
            assessment.unknown(code, "commune " + commune, threshold, "Réside dans le Rhône (commune " + commune
                    + ") : appartenance à la Métropole de Lyon à vérifier par le conseiller.", List.of());
        }
    }

    private static void checkWorkPermit(Assessment assessment, ReferralFacts facts) {
        CriterionCode code = CriterionCode.WORK_PERMIT;
        String threshold = "titre de séjour autorisant à travailler";
        Boolean permit = facts.workPermit();
        if (permit == null) {
            assessment.unknown(code, null, threshold, "Autorisation de travail non précisée : à préciser.",
                    ReferralFacts.WORK_PERMIT_PATH);
            return;
        }
        assessment.passIf(permit, code, permit ? "oui" : "non", threshold,
                "Séjour régulier avec autorisation de travail : condition remplie.",
                "Pas d'autorisation de travail : EMILE demande un séjour régulier permettant de travailler.");
    }

    private static void checkHousingSituation(Assessment assessment, ReferralFacts facts) {
        CriterionCode code = CriterionCode.HOUSING_SITUATION;
        String threshold = "hébergé chez un tiers, sans domicile ou en hébergement d'urgence";
        HousingSituation situation = facts.housingSituation();
        if (situation == null) {
            assessment.unknown(code, null, threshold, "Situation de logement inconnue : à préciser.",
                    ReferralFacts.HOUSING_SITUATION_PATH);
            return;
        }
        String value = FrenchText.housingSituation(situation);
        assessment.passIf(BADLY_HOUSED.contains(situation), code, value, threshold,
                FrenchText.capitalized(value) + " : mal logé au sens d'EMILE, condition remplie.",
                FrenchText.capitalized(value) + " : EMILE s'adresse aux personnes mal logées (" + threshold + ").");
    }

    private static void checkEmploymentSituation(Assessment assessment, ReferralFacts facts, int maximumMonths) {
        CriterionCode code = CriterionCode.EMPLOYMENT_SITUATION;
        String threshold = "sans emploi, intérim, contrat d'insertion, contrat de moins de " + maximumMonths
                + " mois ou temps partiel";
        EmploymentStatus status = facts.employmentStatus();
        if (status == null) {
            assessment.unknown(code, null, threshold, "Situation professionnelle inconnue : à préciser.",
                    ReferralFacts.EMPLOYMENT_STATUS_PATH);
            return;
        }
        ContractType contract = facts.contractType();
        String value = FrenchText.employmentStatus(status)
                + (contract == null ? "" : ", " + FrenchText.contractType(contract));
        if (WITHOUT_WORK.contains(status)) {
            assessment.pass(code, value, threshold, FrenchText.capitalized(value) + " : sans emploi, condition remplie.");
        } else if (contract != null && PRECARIOUS_CONTRACTS.contains(contract)) {
            assessment.pass(code, value, threshold, FrenchText.capitalized(value) + " : emploi précaire, condition "
                    + "remplie.");
        } else if (contract != null) {
            checkContractLengthOrPartTime(assessment, facts, maximumMonths, threshold);
        } else if (status == EmploymentStatus.ETUDIANT || status == EmploymentStatus.STAGIAIRE_FORMATION) {
            // DOMAIN.md lists the situations EMILE takes; studying or training without a job is not one of them. A
            // trainee registered as a job seeker is sent with that status.
            assessment.fail(code, value, threshold, FrenchText.capitalized(value) + " sans contrat : EMILE s'adresse "
                    + "aux personnes sans emploi (demandeur d'emploi ou sans activité) ou en emploi précaire.");
        } else {
            assessment.unknown(code, value, threshold, FrenchText.capitalized(value) + " sans contrat précisé : "
                    + "type de contrat à préciser.", ReferralFacts.CONTRACT_TYPE_PATH);
        }
    }

    /**
     * A contract that is not precarious by type qualifies when it is short (its length is known from its start and
     * end dates: "under 6 months" means its last day comes before that of a contract of exactly 6 months) or
     * part-time. A permanent contract (CDI) has no length: only the part-time route is left.
     */
    private static void checkContractLengthOrPartTime(Assessment assessment, ReferralFacts facts, int maximumMonths,
            String threshold) {
        CriterionCode code = CriterionCode.EMPLOYMENT_SITUATION;
        ContractType contract = facts.contractType();
        LocalDate start = facts.contractStart();
        LocalDate end = contract == ContractType.CDI ? null : facts.contractEnd();
        Boolean partTime = facts.partTime();
        String name = FrenchText.contractType(contract);
        StringBuilder value = new StringBuilder(FrenchText.employmentStatus(facts.employmentStatus()))
                .append(", ").append(name);
        // Both days included: 01/01 to 30/06 is a contract of exactly 6 months.
        Boolean shortContract = null;
        String length = null;
        if (start != null && end != null && !end.isBefore(start)) {
            LocalDate lastDayUnderTheLimit = start.plusMonths(maximumMonths).minusDays(2);
            shortContract = !end.isAfter(lastDayUnderTheLimit);
            length = "du " + FrenchText.date(start) + " au " + FrenchText.date(end);
            value.append(" ").append(length);
        }
        if (partTime != null) {
            value.append(partTime ? ", temps partiel" : ", temps plein");
        }
        String seen = FrenchText.capitalized(value.toString());
        if (Boolean.TRUE.equals(shortContract)) {
            assessment.pass(code, value.toString(), threshold, seen + " : contrat de moins de " + maximumMonths
                    + " mois, condition remplie.");
        } else if (Boolean.TRUE.equals(partTime)) {
            assessment.pass(code, value.toString(), threshold, seen + " : temps partiel, condition remplie.");
        } else if (Boolean.FALSE.equals(partTime) && (contract == ContractType.CDI || shortContract != null)) {
            assessment.fail(code, value.toString(), threshold, seen + " : ni contrat de moins de " + maximumMonths
                    + " mois, ni temps partiel ; EMILE s'adresse aux personnes sans emploi ou en emploi précaire.");
        } else {
            List<String> missing = new ArrayList<>();
            if (contract != ContractType.CDI && shortContract == null) {
                missing.add(start == null ? ReferralFacts.CONTRACT_START_PATH : ReferralFacts.CONTRACT_END_PATH);
                if (start == null && end == null) {
                    missing.add(ReferralFacts.CONTRACT_END_PATH);
                }
            }
            if (partTime == null) {
                missing.add(ReferralFacts.PART_TIME_PATH);
            }
            String known = shortContract == null
                    ? (contract == ContractType.CDI ? "contrat sans terme" : "durée du contrat inconnue")
                    : "contrat de " + maximumMonths + " mois ou plus";
            List<String> toSpecify = new ArrayList<>();
            if (missing.contains(ReferralFacts.CONTRACT_START_PATH) || missing.contains(ReferralFacts.CONTRACT_END_PATH)) {
                toSpecify.add("dates de début et de fin du contrat");
            }
            if (partTime == null) {
                toSpecify.add("temps de travail (partiel ou plein)");
            }
            assessment.unknown(code, value.toString(), threshold, seen + " : " + known + " ; EMILE accepte les "
                    + "contrats de moins de " + maximumMonths + " mois et les temps partiels, à préciser : "
                    + String.join(" et ", toSpecify) + ".", missing);
        }
    }
}
