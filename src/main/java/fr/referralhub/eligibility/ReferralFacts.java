package fr.referralhub.eligibility;

import java.time.LocalDate;
import java.time.Period;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import fr.referralhub.avro.ContractType;
import fr.referralhub.avro.EmployerSector;
import fr.referralhub.avro.EmploymentContract;
import fr.referralhub.avro.EmploymentSituation;
import fr.referralhub.avro.EmploymentStatus;
import fr.referralhub.avro.HousingSituation;
import fr.referralhub.avro.PersonProfile;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.TargetHousing;

/**
 * The facts of a referral event that rules read, with the nesting of the canonical record flattened: every
 * accessor returns null when the value, or the record holding it, is absent. Rules then only ask "is it known?",
 * never "is the contract there, and the employment, and...".
 *
 * <p>The {@code *_PATH} constants are the canonical field paths a rule lists in {@code missingInputs} when it needs
 * a value it did not get.
 */
final class ReferralFacts {

    static final String BIRTH_DATE_PATH = "person.birthDate";
    static final String HOME_COMMUNE_PATH = "person.homeCommune";
    static final String HOME_DEPARTEMENT_PATH = "person.homeDepartement";
    static final String HOUSING_SITUATION_PATH = "person.housingSituation";
    static final String WORK_PERMIT_PATH = "person.workPermit";
    static final String WILLING_TO_MOVE_PATH = "person.willingToMove";
    static final String EMPLOYMENT_STATUS_PATH = "employment.status";
    static final String IN_EDUCATION_OR_TRAINING_PATH = "employment.inEducationOrTraining";
    static final String CONTRACT_TYPE_PATH = "employment.contract.type";
    static final String EMPLOYER_SECTOR_PATH = "employment.contract.employerSector";
    static final String CONTRACT_START_PATH = "employment.contract.startDate";
    static final String CONTRACT_END_PATH = "employment.contract.endDate";
    static final String PART_TIME_PATH = "employment.contract.partTime";
    static final String GROSS_SALARY_PATH = "employment.contract.grossMonthlySalaryCents";
    static final String NET_SALARY_PATH = "employment.contract.netMonthlySalaryCents";
    static final String DISTANCE_PATH = "employment.contract.homeToWorkDistanceKm";
    static final String TRAVEL_MINUTES_PATH = "employment.contract.homeToWorkTravelMinutes";
    static final String RENT_PATH = "targetHousing.monthlyRentCents";
    static final String TARGET_DEPARTEMENT_PATH = "targetHousing.departement";
    static final String DOUBLE_RENT_PATH = "targetHousing.doubleRent";
    static final String DESIRED_DEPARTEMENTS_PATH = "desiredDepartements";

    private static final Set<EmploymentStatus> WITHOUT_JOB = EnumSet.of(EmploymentStatus.DEMANDEUR_EMPLOI,
            EmploymentStatus.SANS_ACTIVITE, EmploymentStatus.ETUDIANT, EmploymentStatus.STAGIAIRE_FORMATION);

    private final PersonProfile person;
    private final EmploymentSituation employment;
    private final EmploymentContract contract;
    private final TargetHousing targetHousing;
    private final List<String> desiredDepartements;

    ReferralFacts(ReferralEvent event) {
        this.desiredDepartements = event.getDesiredDepartements() == null ? List.of()
                : List.copyOf(event.getDesiredDepartements());
        this.person = event.getPerson();
        this.employment = event.getEmployment();
        this.contract = employment == null ? null : employment.getContract();
        this.targetHousing = event.getTargetHousing();
    }

    /**
     * Age in whole years on the date, or null when the birth date is unknown or after the date (a data error the
     * rule reports as missing information rather than computing a negative age).
     */
    Integer ageOn(LocalDate date) {
        LocalDate birthDate = birthDate();
        if (birthDate == null || birthDate.isAfter(date)) {
            return null;
        }
        return Period.between(birthDate, date).getYears();
    }

    LocalDate birthDate() {
        return person == null ? null : person.getBirthDate();
    }

    String homeCommune() {
        return person == null ? null : person.getHomeCommune();
    }

    String homeDepartement() {
        return person == null ? null : person.getHomeDepartement();
    }

    HousingSituation housingSituation() {
        return person == null ? null : person.getHousingSituation();
    }

    Boolean workPermit() {
        return person == null ? null : person.getWorkPermit();
    }

    Boolean willingToMove() {
        return person == null ? null : person.getWillingToMove();
    }

    /** Departements where the person would move, in the referrer's order; empty when none was given. */
    List<String> desiredDepartements() {
        return desiredDepartements;
    }

    EmploymentStatus employmentStatus() {
        return employment == null ? null : employment.getStatus();
    }

    Boolean inEducationOrTraining() {
        return employment == null ? null : employment.getInEducationOrTraining();
    }

    /**
     * Whether the person is known to have no contract: a situation without work (job seeker, no activity, student,
     * trainee) and no contract in the record. The canonical record carries a contract "when the person has or is
     * about to start one", so its absence means none only when the situation agrees; for an apprentice or an
     * employee without contract details, the contract is merely unknown.
     */
    boolean knownToHaveNoContract() {
        return employment != null && contract == null && WITHOUT_JOB.contains(employment.getStatus());
    }

    ContractType contractType() {
        return contract == null ? null : contract.getType();
    }

    EmployerSector employerSector() {
        return contract == null ? null : contract.getEmployerSector();
    }

    LocalDate contractStart() {
        return contract == null ? null : contract.getStartDate();
    }

    LocalDate contractEnd() {
        return contract == null ? null : contract.getEndDate();
    }

    Boolean partTime() {
        return contract == null ? null : contract.getPartTime();
    }

    Long grossMonthlySalaryCents() {
        return contract == null ? null : contract.getGrossMonthlySalaryCents();
    }

    Long netMonthlySalaryCents() {
        return contract == null ? null : contract.getNetMonthlySalaryCents();
    }

    Integer homeToWorkDistanceKm() {
        return contract == null ? null : contract.getHomeToWorkDistanceKm();
    }

    Integer homeToWorkTravelMinutes() {
        return contract == null ? null : contract.getHomeToWorkTravelMinutes();
    }

    Long monthlyRentCents() {
        return targetHousing == null ? null : targetHousing.getMonthlyRentCents();
    }

    String targetDepartement() {
        return targetHousing == null ? null : targetHousing.getDepartement();
    }

    Boolean doubleRent() {
        return targetHousing == null ? null : targetHousing.getDoubleRent();
    }
}
