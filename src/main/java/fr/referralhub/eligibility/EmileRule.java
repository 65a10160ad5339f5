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
import fr.referralhub.territory.InseeCodes;

/**
 * EMILE (Engagés pour la mobilité et l'insertion par le logement et l'emploi): an accompanied move out of Ile-de-France
 * (or the Lyon metropolis) for badly housed people far from stable work, towards host departements with jobs and
 * vacant housing.
 *
 * <p>The territories are rule-set data ({@code EMILE.homeDepartements}, {@code homeCommunes},
 * {@code hostDepartements}), so a new host departement is a dated change of the file, not of this class. What the
 * hub cannot decide is asked for, never guessed:
 * <ul>
 *   <li>a home in the departement of a listed commune (the Rhone) whose commune is not sent;</li>
 *   <li>a person in work on a contract of unknown length (no end date) or whose working time is not transmitted:
 *       EMILE takes contracts under {@code maximumContractMonths} and part-time work, so the decision names
 *       {@code employment.contract.endDate} or {@code employment.contract.partTime};</li>
 *   <li>the person's will to move (the programme takes volunteers only: {@code person.willingToMove}) and where to
 *       ({@code desiredDepartements}, at least one host departement).</li>
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
    /** Departements the person may live in, all their communes included (Ile-de-France). */
    static final RuleParameter HOME_DEPARTEMENTS = RuleParameter.departements(EMILE, "homeDepartements");
    /** Single communes the person may also live in (the Lyon metropolis). */
    static final RuleParameter HOME_COMMUNES = RuleParameter.communes(EMILE, "homeCommunes");
    /** Departements EMILE moves people to. */
    static final RuleParameter HOST_DEPARTEMENTS = RuleParameter.departements(EMILE, "hostDepartements");

    @Override
    public Programme programme() {
        return EMILE;
    }

    @Override
    public List<RuleParameter> parameters() {
        return List.of(MAXIMUM_CONTRACT_MONTHS, HOME_DEPARTEMENTS, HOME_COMMUNES, HOST_DEPARTEMENTS);
    }

    @Override
    public Assessment assess(ReferralFacts facts, RuleContext context) {
        RuleSet rules = context.ruleSet();
        Assessment assessment = new Assessment();
        checkHomeTerritory(assessment, facts, rules.codes(HOME_DEPARTEMENTS), rules.codes(HOME_COMMUNES));
        checkWorkPermit(assessment, facts);
        checkHousingSituation(assessment, facts);
        checkEmploymentSituation(assessment, facts, rules.integer(MAXIMUM_CONTRACT_MONTHS));
        checkWillingToMove(assessment, facts);
        checkHostDepartement(assessment, facts, rules.codes(HOST_DEPARTEMENTS));
        // The seed text: a project is built with the person, then validated after a five-day immersion.
        return assessment.summaryDetail("le projet de mobilité se construit ensuite avec l'opérateur EMILE "
                + "(immersion de cinq jours dans le territoire d'accueil)");
    }

    /**
     * Home in one of the home departements, or in one of the home communes. The commune is only needed when the
     * departement is that of a home commune (the Rhone for the Lyon metropolis): elsewhere the departement decides.
     */
    private static void checkHomeTerritory(Assessment assessment, ReferralFacts facts, List<String> homeDepartements,
            List<String> homeCommunes) {
        CriterionCode code = CriterionCode.HOME_TERRITORY;
        String threshold = "Île-de-France (" + String.join(", ", homeDepartements) + ") ou Métropole de Lyon ("
                + homeCommunes.size() + " codes commune du jeu de règles)";
        String departement = facts.homeDepartement();
        String commune = facts.homeCommune();
        if (departement == null) {
            assessment.unknown(code, null, threshold, "Département de résidence inconnu : à préciser.",
                    ReferralFacts.HOME_DEPARTEMENT_PATH);
            return;
        }
        String value = commune == null ? "département " + departement
                : "commune " + commune + ", département " + departement;
        if (homeDepartements.contains(departement)) {
            assessment.pass(code, value, threshold, "Réside en Île-de-France (département " + departement
                    + ") : condition remplie.");
        } else if (commune != null && homeCommunes.contains(commune)) {
            assessment.pass(code, value, threshold, "Réside dans la Métropole de Lyon (commune " + commune
                    + ") : condition remplie.");
        } else if (commune == null && homeCommunes.stream().anyMatch(c -> departementOf(c).equals(departement))) {
            assessment.unknown(code, value, threshold, "Réside dans le département " + departement
                    + ", commune inconnue : à préciser pour savoir si elle fait partie de la Métropole de Lyon.",
                    ReferralFacts.HOME_COMMUNE_PATH);
        } else {
            assessment.fail(code, value, threshold, "Réside " + (commune == null ? "" : "dans la commune " + commune
                    + ", ") + "dans le département " + departement + " : EMILE s'adresse aux habitants de "
                    + "l'Île-de-France et de la Métropole de Lyon.");
        }
    }

    private static String departementOf(String commune) {
        return InseeCodes.departementOf(commune).orElse("");
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

    /** EMILE takes volunteers only: the will to move is the person's, stated through the referrer. */
    private static void checkWillingToMove(Assessment assessment, ReferralFacts facts) {
        CriterionCode code = CriterionCode.WILLING_TO_MOVE;
        String threshold = "volontaire pour s'installer dans un département d'accueil";
        Boolean willing = facts.willingToMove();
        if (willing == null) {
            assessment.unknown(code, null, threshold, "Volontariat pour déménager non transmis : à recueillir "
                    + "auprès de la personne, EMILE ne prend que des volontaires.", ReferralFacts.WILLING_TO_MOVE_PATH);
            return;
        }
        assessment.passIf(willing, code, willing ? "oui" : "non", threshold,
                "Volontaire pour déménager : condition remplie.",
                "Ne souhaite pas déménager : EMILE ne prend que des volontaires.");
    }

    /**
     * At least one departement the person would move to is a host departement. None given is asked for (the
     * counsellor gets the host list to offer); only other departements given is a fail, whose explanation names the
     * hosts so the counsellor can discuss them with the person.
     */
    private static void checkHostDepartement(Assessment assessment, ReferralFacts facts, List<String> hosts) {
        CriterionCode code = CriterionCode.HOST_DEPARTEMENT;
        String threshold = "au moins un département d'accueil : " + String.join(", ", hosts);
        List<String> desired = facts.desiredDepartements();
        if (desired.isEmpty()) {
            assessment.unknown(code, null, threshold, "Départements où la personne accepterait de s'installer non "
                    + "transmis : à préciser parmi les départements d'accueil (" + String.join(", ", hosts) + ").",
                    ReferralFacts.DESIRED_DEPARTEMENTS_PATH);
            return;
        }
        String value = "départements souhaités " + String.join(", ", desired);
        List<String> hostsDesired = desired.stream().filter(hosts::contains).toList();
        assessment.passIf(!hostsDesired.isEmpty(), code, value, threshold,
                FrenchText.capitalized(value) + " : " + String.join(", ", hostsDesired)
                        + (hostsDesired.size() == 1 ? " accueille" : " accueillent") + " EMILE, condition remplie.",
                FrenchText.capitalized(value) + " : aucun n'accueille EMILE ; départements d'accueil à proposer à la "
                        + "personne : " + String.join(", ", hosts) + ".");
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
