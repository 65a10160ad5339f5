package fr.referralhub.eligibility;

import static fr.referralhub.avro.ContractType.APPRENTISSAGE;
import static fr.referralhub.avro.ContractType.CDD;
import static fr.referralhub.avro.ContractType.CDI;
import static fr.referralhub.avro.ContractType.INTERIM;
import static fr.referralhub.avro.ContractType.PROFESSIONNALISATION;
import static fr.referralhub.avro.ContractType.SAISONNIER_AGRICOLE;
import static fr.referralhub.avro.EligibilityOutcome.ELIGIBLE;
import static fr.referralhub.avro.EligibilityOutcome.NEEDS_INFORMATION;
import static fr.referralhub.avro.EligibilityOutcome.NOT_AVAILABLE;
import static fr.referralhub.avro.EligibilityOutcome.NOT_ELIGIBLE;
import static fr.referralhub.avro.EmployerSector.AGRICOLE;
import static fr.referralhub.avro.EmployerSector.PRIVE_NON_AGRICOLE;
import static fr.referralhub.avro.EmployerSector.PUBLIC;
import static fr.referralhub.avro.EmploymentStatus.APPRENTI;
import static fr.referralhub.avro.EmploymentStatus.DEMANDEUR_EMPLOI;
import static fr.referralhub.avro.EmploymentStatus.ETUDIANT;
import static fr.referralhub.avro.EmploymentStatus.SAISONNIER;
import static fr.referralhub.avro.EmploymentStatus.SALARIE;
import static fr.referralhub.avro.EmploymentStatus.SANS_ACTIVITE;
import static fr.referralhub.avro.HousingSituation.HEBERGE_TIERS;
import static fr.referralhub.avro.HousingSituation.LOCATAIRE;
import static fr.referralhub.avro.Programme.AIDE_SAISONNIERS_AGRICOLES;
import static fr.referralhub.avro.Programme.CEJ;
import static fr.referralhub.avro.Programme.EMILE;
import static fr.referralhub.avro.Programme.MOBILI_JEUNE;
import static fr.referralhub.avro.Programme.MOBILI_PASS;
import static fr.referralhub.avro.Programme.VISALE;
import static fr.referralhub.eligibility.TestReferral.referral;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;

import fr.referralhub.avro.CriterionResult;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.EligibilityOutcome;
import fr.referralhub.avro.EmploymentStatus;
import fr.referralhub.avro.Programme;
import fr.referralhub.avro.ProgrammeDecision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The example cases of DOMAIN.md, then the boundaries of every threshold, each as one row: a referral, the programme
 * looked at, the expected outcome and the criteria expected not to pass (so a row also fails when the right outcome
 * comes for the wrong reason).
 */
class EligibilityExampleCasesTest {

    private static final EligibilityEngine ENGINE = EligibilityEngine.withBundledRuleSets();

    /** Years after every application date below: a rule reading the wall clock would give other answers. */
    private static final Instant DECIDED_AT = Instant.parse("2031-01-01T00:00:00Z");

    /** Default application date: rule set 2024-10-29, SMIC 1801.80 EUR, so 120 % of the SMIC is 2162.16 EUR. */
    private static final LocalDate APPLIED = LocalDate.of(2025, 3, 15);

    record Case(String name, TestReferral referral, Programme programme, EligibilityOutcome outcome,
            List<String> criteriaNotPassed) {

        @Override
        public String toString() {
            return name;
        }
    }

    private static Case row(String name, TestReferral referral, Programme programme, EligibilityOutcome outcome,
            String... criteriaNotPassed) {
        return new Case(name, referral, programme, outcome, List.of(criteriaNotPassed));
    }

    /** MJ1: 24, apprentice, private non-agricultural employer, 1,400 EUR, moved 85 km, 2 months after the start. */
    private static TestReferral mj1() {
        return referral().appliedOn(APPLIED).bornOn(LocalDate.of(2000, 6, 1))
                .status(APPRENTI).contract(APPRENTISSAGE, PRIVE_NON_AGRICOLE, APPLIED.minusMonths(2))
                .grossSalary("1400.00").distanceKm(85).doubleRent(false).rent("450.00", "15")
                .requesting(MOBILI_JEUNE);
    }

    /** Someone asking for {@code programme}, who turned {@code years} a month before the application date. */
    private static TestReferral aged(int years, Programme programme) {
        return referral().appliedOn(APPLIED).bornOn(APPLIED.minusYears(years).minusMonths(1)).requesting(programme);
    }

    /** V1 base: a 27-year-old job seeker, rent 700 EUR outside Ile-de-France. */
    private static TestReferral v1() {
        return aged(27, VISALE).status(DEMANDEUR_EMPLOI).rent("700.00", "69");
    }

    /** An employee over 30 on a private permanent contract of many years, rent 800 EUR outside Ile-de-France. */
    private static TestReferral employeeOver30() {
        return aged(40, VISALE).status(SALARIE).contract(CDI, PRIVE_NON_AGRICOLE, LocalDate.of(2015, 3, 1))
                .rent("800.00", "69");
    }

    /** SA1 base: agricultural seasonal worker who started 2 months before applying. */
    private static TestReferral sa1() {
        return aged(22, AIDE_SAISONNIERS_AGRICOLES).status(SAISONNIER)
                .contract(SAISONNIER_AGRICOLE, AGRICOLE, APPLIED.minusMonths(2));
    }

    /**
     * EM1: lives in Seine-Saint-Denis, hosted by a third party, unemployed, work permit; and, as DOMAIN.md's "who"
     * column has it for every EMILE person, a volunteer, here for the Cantal (a host departement). The hub asks for
     * these two rather than assume them: see the row "EM1 as worded".
     */
    private static TestReferral em1() {
        return em1AsWorded().willingToMove(true).desiring("15");
    }

    /** EM1 with only the facts DOMAIN.md's row states. */
    private static TestReferral em1AsWorded() {
        return aged(35, EMILE).livingIn("93066", "93").housing(HEBERGE_TIERS).workPermit(true)
                .status(DEMANDEUR_EMPLOI);
    }

    /** A 19-year-old asking for CEJ, without work in that status, who stated following no studies or training. */
    private static TestReferral notInTraining(EmploymentStatus status) {
        return aged(19, CEJ).status(status).inEducationOrTraining(false);
    }

    /** An agricultural seasonal worker of 40 on a private contract started on that day, earning 2500 EUR net. */
    private static TestReferral seasonalOver30(LocalDate start) {
        return aged(40, VISALE).status(SAISONNIER).contract(SAISONNIER_AGRICOLE, AGRICOLE, start)
                .netSalary("2500.00").rent("800.00", "69");
    }

    /** A job seeker of 40, rent 800 EUR outside Ile-de-France. */
    private static TestReferral jobSeekerOver30() {
        return aged(40, VISALE).status(DEMANDEUR_EMPLOI).rent("800.00", "69");
    }

    /** EM1 in work on a private fixed-term contract from 1 January 2025 to {@code lastDay} (null: end unknown). */
    private static TestReferral employedOnCdd(LocalDate lastDay) {
        return em1().status(SALARIE).contract(CDD, PRIVE_NON_AGRICOLE, LocalDate.of(2025, 1, 1)).contractEnd(lastDay);
    }

    static Stream<Case> cases() {
        LocalDate windowStart = LocalDate.of(2025, 9, 1); // window: 2025-06-01 .. 2026-02-01
        LocalDate beforeReformStart = LocalDate.of(2024, 9, 1);
        LocalDate smic2026Start = LocalDate.of(2025, 11, 1); // window up to 2026-04-01, around the 2026 SMIC
        return Stream.of(
                // --- DOMAIN.md example cases ---------------------------------------------------------------------
                row("MJ1 apprentice of 24, 1400 EUR, 85 km", mj1(), MOBILI_JEUNE, ELIGIBLE),
                row("MJ2 turned 30 two weeks before applying", mj1().bornOn(APPLIED.minusYears(30).minusDays(14)),
                        MOBILI_JEUNE, NOT_ELIGIBLE, "AGE_UNDER_30"),
                row("MJ3 agricultural employer", mj1().employerSector(AGRICOLE), MOBILI_JEUNE, NOT_ELIGIBLE,
                        "EMPLOYER_SECTOR"),
                row("MJ4 2200 EUR, above 120 % SMIC", mj1().grossSalary("2200.00"), MOBILI_JEUNE, NOT_ELIGIBLE,
                        "SALARY_CEILING"),
                row("MP1 Mobili-Pass in 2025", aged(30, MOBILI_PASS), MOBILI_PASS, NOT_AVAILABLE, "PROGRAMME_OPEN"),
                row("MP1 Mobili-Pass on 2023-07-01, first day after the suspension",
                        aged(30, MOBILI_PASS).appliedOn(LocalDate.of(2023, 7, 1)), MOBILI_PASS, NOT_AVAILABLE,
                        "PROGRAMME_OPEN"),
                row("V1 job seeker of 27, rent 700 EUR outside Ile-de-France", v1(), VISALE, ELIGIBLE),
                row("V2 40, permanent contract for years, 2500 EUR net", employeeOver30().netSalary("2500.00"),
                        VISALE, NOT_ELIGIBLE, "AGE_OR_WORK_SITUATION"),
                row("SA1 seasonal worker, 2 months after the start", sa1(), AIDE_SAISONNIERS_AGRICOLES, ELIGIBLE),
                row("CEJ1 19, not in employment, education or training",
                        aged(19, CEJ).status(SANS_ACTIVITE).inEducationOrTraining(false), CEJ, ELIGIBLE),
                row("CEJ3 20, student", aged(20, CEJ).status(ETUDIANT), CEJ, NOT_ELIGIBLE,
                        "NOT_IN_EMPLOYMENT_EDUCATION_OR_TRAINING"),
                row("EM1 Seine-Saint-Denis, hosted, unemployed, work permit", em1(), EMILE, ELIGIBLE),
                row("EM1 as worded, without the will to move or a destination: both asked for", em1AsWorded(), EMILE,
                        NEEDS_INFORMATION, "WILLING_TO_MOVE", "HOST_DEPARTEMENT"),

                // --- Mobili-Jeune boundaries ---------------------------------------------------------------------
                row("MJ salary exactly 120 % SMIC (2162.16)", mj1().grossSalary("2162.16"), MOBILI_JEUNE, ELIGIBLE),
                row("MJ salary one cent above (2162.17)", mj1().grossSalary("2162.17"), MOBILI_JEUNE, NOT_ELIGIBLE,
                        "SALARY_CEILING"),
                row("MJ day before the 30th birthday", mj1().bornOn(APPLIED.minusYears(30).plusDays(1)),
                        MOBILI_JEUNE, ELIGIBLE),
                row("MJ on the 30th birthday", mj1().bornOn(APPLIED.minusYears(30)), MOBILI_JEUNE, NOT_ELIGIBLE,
                        "AGE_UNDER_30"),
                row("MJ first day of the window (3 months before the start)",
                        mj1().contractStart(windowStart).appliedOn(LocalDate.of(2025, 6, 1)), MOBILI_JEUNE, ELIGIBLE),
                row("MJ last day of the window (5 months after the start)",
                        mj1().contractStart(windowStart).appliedOn(LocalDate.of(2026, 2, 1)), MOBILI_JEUNE, ELIGIBLE),
                row("MJ day before the window",
                        mj1().contractStart(windowStart).appliedOn(LocalDate.of(2025, 5, 31)), MOBILI_JEUNE,
                        NOT_ELIGIBLE, "APPLICATION_WINDOW"),
                row("MJ day after the window",
                        mj1().contractStart(windowStart).appliedOn(LocalDate.of(2026, 2, 2)), MOBILI_JEUNE,
                        NOT_ELIGIBLE, "APPLICATION_WINDOW"),
                row("MJ 1500 EUR on 2024-10-28: 80 % of SMIC 1766.92 = 1413.54",
                        mj1().contractStart(beforeReformStart).grossSalary("1500.00")
                                .appliedOn(LocalDate.of(2024, 10, 28)), MOBILI_JEUNE, NOT_ELIGIBLE, "SALARY_CEILING"),
                row("MJ 1500 EUR on 2024-10-29: 120 % of SMIC 1766.92 = 2120.30",
                        mj1().contractStart(beforeReformStart).grossSalary("1500.00")
                                .appliedOn(LocalDate.of(2024, 10, 29)), MOBILI_JEUNE, ELIGIBLE),
                row("MJ 2150 EUR on 2024-10-31: above 120 % of the old SMIC (2120.30)",
                        mj1().contractStart(beforeReformStart).grossSalary("2150.00")
                                .appliedOn(LocalDate.of(2024, 10, 31)), MOBILI_JEUNE, NOT_ELIGIBLE, "SALARY_CEILING"),
                row("MJ 2150 EUR on 2024-11-01: under 120 % of the new SMIC (2162.16)",
                        mj1().contractStart(beforeReformStart).grossSalary("2150.00")
                                .appliedOn(LocalDate.of(2024, 11, 1)), MOBILI_JEUNE, ELIGIBLE),
                // SMIC 1823.03 EUR from 2026-01-01: 120 % is 2187.64 EUR
                row("MJ 2187.64 EUR on 2026-03-15: exactly 120 % of SMIC 1823.03",
                        mj1().contractStart(LocalDate.of(2026, 1, 15)).grossSalary("2187.64")
                                .appliedOn(LocalDate.of(2026, 3, 15)), MOBILI_JEUNE, ELIGIBLE),
                row("MJ 2187.65 EUR on 2026-03-15: one cent above 120 % of SMIC 1823.03",
                        mj1().contractStart(LocalDate.of(2026, 1, 15)).grossSalary("2187.65")
                                .appliedOn(LocalDate.of(2026, 3, 15)), MOBILI_JEUNE, NOT_ELIGIBLE, "SALARY_CEILING"),
                row("MJ 2170 EUR on 2025-12-31: above 120 % of SMIC 1801.80 (2162.16)",
                        mj1().contractStart(smic2026Start).grossSalary("2170.00")
                                .appliedOn(LocalDate.of(2025, 12, 31)), MOBILI_JEUNE, NOT_ELIGIBLE, "SALARY_CEILING"),
                row("MJ 2170 EUR on 2026-01-01: under 120 % of SMIC 1823.03 (2187.64)",
                        mj1().contractStart(smic2026Start).grossSalary("2170.00")
                                .appliedOn(LocalDate.of(2026, 1, 1)), MOBILI_JEUNE, ELIGIBLE),
                row("MJ exactly 70 km and 40 min, no double rent", mj1().distanceKm(70).travelMinutes(40),
                        MOBILI_JEUNE, NOT_ELIGIBLE, "DISTANCE_OR_DOUBLE_RENT"),
                row("MJ 71 km", mj1().distanceKm(71), MOBILI_JEUNE, ELIGIBLE),
                row("MJ 70 km but 41 min, no double rent", mj1().distanceKm(70).travelMinutes(41), MOBILI_JEUNE,
                        ELIGIBLE),
                row("MJ 70 km, no double rent, travel time unknown: asked, not refused", mj1().distanceKm(70),
                        MOBILI_JEUNE, NEEDS_INFORMATION, "DISTANCE_OR_DOUBLE_RENT"),
                row("MJ distance unknown, 45 min", mj1().distanceKm(null).travelMinutes(45), MOBILI_JEUNE, ELIGIBLE),
                row("MJ 20 km and 25 min, double rent unknown", mj1().distanceKm(20).travelMinutes(25).doubleRent(null),
                        MOBILI_JEUNE, NEEDS_INFORMATION, "DISTANCE_OR_DOUBLE_RENT"),
                row("MJ 12 km but double rent", mj1().distanceKm(12).doubleRent(true), MOBILI_JEUNE, ELIGIBLE),
                row("MJ 30 km, double rent unknown", mj1().distanceKm(30).doubleRent(null), MOBILI_JEUNE,
                        NEEDS_INFORMATION, "DISTANCE_OR_DOUBLE_RENT"),
                row("MJ professionalisation contract",
                        mj1().contract(PROFESSIONNALISATION, PRIVE_NON_AGRICOLE, APPLIED.minusMonths(2)), MOBILI_JEUNE,
                        ELIGIBLE),
                row("MJ permanent contract", mj1().contract(CDI, PRIVE_NON_AGRICOLE, APPLIED.minusMonths(2)),
                        MOBILI_JEUNE, NOT_ELIGIBLE, "CONTRACT_TYPE"),
                row("MJ only a net salary: gross needed, never derived",
                        mj1().grossSalary(null).netSalary("1100.00"), MOBILI_JEUNE, NEEDS_INFORMATION,
                        "SALARY_CEILING"),
                row("MJ job seeker without contract", aged(22, MOBILI_JEUNE).status(DEMANDEUR_EMPLOI), MOBILI_JEUNE,
                        NOT_ELIGIBLE, "CONTRACT_TYPE", "EMPLOYER_SECTOR", "SALARY_CEILING", "APPLICATION_WINDOW",
                        "DISTANCE_OR_DOUBLE_RENT"),

                // --- Visale boundaries ---------------------------------------------------------------------------
                row("V rent exactly at the Ile-de-France cap (1500.00)", v1().rent("1500.00", "93"), VISALE,
                        ELIGIBLE),
                row("V rent one cent above the Ile-de-France cap", v1().rent("1500.01", "93"), VISALE, NOT_ELIGIBLE,
                        "RENT_CAP"),
                row("V rent exactly at the cap elsewhere (1300.00)", v1().rent("1300.00", "15"), VISALE, ELIGIBLE),
                row("V rent one cent above the cap elsewhere", v1().rent("1300.01", "15"), VISALE, NOT_ELIGIBLE,
                        "RENT_CAP"),
                row("V rent unknown", v1().rent(null, "15"), VISALE, NEEDS_INFORMATION, "RENT_CAP"),
                row("V departement unknown, rent under both caps", v1().rent("1200.00", null), VISALE, ELIGIBLE),
                row("V departement unknown, rent between the caps", v1().rent("1400.00", null), VISALE,
                        NEEDS_INFORMATION, "RENT_CAP"),
                row("V departement unknown, rent above both caps", v1().rent("1600.00", null), VISALE, NOT_ELIGIBLE,
                        "RENT_CAP"),
                row("V job seeker the day before the 31st birthday (still 30)",
                        v1().bornOn(APPLIED.minusYears(31).plusDays(1)), VISALE, ELIGIBLE),
                row("V job seeker on the 31st birthday, no salary", v1().bornOn(APPLIED.minusYears(31)), VISALE,
                        NOT_ELIGIBLE, "AGE_OR_WORK_SITUATION"),
                row("V 17 years old", v1().bornOn(APPLIED.minusYears(18).plusDays(1)), VISALE, NOT_ELIGIBLE,
                        "AGE_OR_WORK_SITUATION"),
                row("V over 30, private hire 5 months ago, 2500 EUR net",
                        employeeOver30().contract(CDD, PRIVE_NON_AGRICOLE, APPLIED.minusMonths(5)).netSalary("2500.00"),
                        VISALE, ELIGIBLE),
                row("V over 30, private hire exactly 6 months ago, 2500 EUR net",
                        employeeOver30().contract(CDD, PRIVE_NON_AGRICOLE, APPLIED.minusMonths(6)).netSalary("2500.00"),
                        VISALE, NOT_ELIGIBLE, "AGE_OR_WORK_SITUATION"),
                row("V over 30, promise of hire (starts next month)",
                        employeeOver30().contract(CDI, PRIVE_NON_AGRICOLE, APPLIED.plusMonths(1)), VISALE, ELIGIBLE),
                row("V over 30, public employer hired last month, 2500 EUR net",
                        employeeOver30().contract(CDI, PUBLIC, APPLIED.minusMonths(1)).netSalary("2500.00"), VISALE,
                        NOT_ELIGIBLE, "AGE_OR_WORK_SITUATION"),
                row("V over 30, net salary exactly 1500.00", employeeOver30().netSalary("1500.00"), VISALE, ELIGIBLE),
                row("V over 30, net salary 1500.01", employeeOver30().netSalary("1500.01"), VISALE, NOT_ELIGIBLE,
                        "AGE_OR_WORK_SITUATION"),
                row("V over 30, only a gross salary: net needed", employeeOver30().grossSalary("1700.00"), VISALE,
                        NEEDS_INFORMATION, "AGE_OR_WORK_SITUATION"),

                // over 30, the contract decides, not the status label
                row("V over 30, seasonal worker on a private contract started 5 months ago, 2500 EUR net",
                        seasonalOver30(APPLIED.minusMonths(5)), VISALE, ELIGIBLE),
                row("V over 30, seasonal worker on a private contract started exactly 6 months ago, 2500 EUR net",
                        seasonalOver30(APPLIED.minusMonths(6)), VISALE, NOT_ELIGIBLE, "AGE_OR_WORK_SITUATION"),
                row("V over 30, job seeker with a signed private contract starting tomorrow (promise of hire)",
                        jobSeekerOver30().contract(CDI, PRIVE_NON_AGRICOLE, APPLIED.plusDays(1)), VISALE, ELIGIBLE),
                row("V over 30, job seeker whose private contract started today",
                        jobSeekerOver30().contract(CDD, PRIVE_NON_AGRICOLE, APPLIED), VISALE, ELIGIBLE),
                row("V over 30, job seeker with a public contract starting next month, 2500 EUR net",
                        jobSeekerOver30().contract(CDI, PUBLIC, APPLIED.plusMonths(1)).netSalary("2500.00"), VISALE,
                        NOT_ELIGIBLE, "AGE_OR_WORK_SITUATION"),
                row("V over 30, job seeker with a contract whose sector is unknown",
                        jobSeekerOver30().contract(CDI, null, APPLIED.plusMonths(1)).netSalary("2500.00"), VISALE,
                        NEEDS_INFORMATION, "AGE_OR_WORK_SITUATION"),

                // --- seasonal agricultural worker aid ------------------------------------------------------------
                row("SA applied exactly 6 months after the start",
                        sa1().appliedOn(APPLIED.minusMonths(2).plusMonths(6)), AIDE_SAISONNIERS_AGRICOLES, ELIGIBLE),
                row("SA applied 6 months and a day after the start",
                        sa1().appliedOn(APPLIED.minusMonths(2).plusMonths(6).plusDays(1)), AIDE_SAISONNIERS_AGRICOLES,
                        NOT_ELIGIBLE, "APPLICATION_WINDOW"),
                row("SA applied before the season starts",
                        sa1().contractStart(APPLIED.plusMonths(1)), AIDE_SAISONNIERS_AGRICOLES, ELIGIBLE),
                row("SA fixed-term contract, not seasonal",
                        sa1().contract(CDD, AGRICOLE, APPLIED.minusMonths(2)), AIDE_SAISONNIERS_AGRICOLES,
                        NOT_ELIGIBLE, "CONTRACT_TYPE"),

                // --- CEJ -----------------------------------------------------------------------------------------
                row("CEJ on the 16th birthday",
                        notInTraining(SANS_ACTIVITE).bornOn(APPLIED.minusYears(16)), CEJ, ELIGIBLE),
                row("CEJ the day before the 16th birthday",
                        notInTraining(SANS_ACTIVITE).bornOn(APPLIED.minusYears(16).plusDays(1)), CEJ, NOT_ELIGIBLE,
                        "AGE_16_TO_25"),
                row("CEJ the day before the 26th birthday",
                        notInTraining(DEMANDEUR_EMPLOI).bornOn(APPLIED.minusYears(26).plusDays(1)), CEJ, ELIGIBLE),
                row("CEJ on the 26th birthday",
                        notInTraining(DEMANDEUR_EMPLOI).bornOn(APPLIED.minusYears(26)), CEJ, NOT_ELIGIBLE,
                        "AGE_16_TO_25"),
                row("CEJ job seeker in training", aged(19, CEJ).status(DEMANDEUR_EMPLOI).inEducationOrTraining(true),
                        CEJ, NOT_ELIGIBLE, "NOT_IN_EMPLOYMENT_EDUCATION_OR_TRAINING"),
                row("CEJ birth date unknown", notInTraining(SANS_ACTIVITE).bornOn(null), CEJ, NEEDS_INFORMATION,
                        "AGE_16_TO_25"),
                row("CEJ job seeker, studies or training not stated: asked, not assumed",
                        aged(19, CEJ).status(DEMANDEUR_EMPLOI), CEJ, NEEDS_INFORMATION,
                        "NOT_IN_EMPLOYMENT_EDUCATION_OR_TRAINING"),
                row("CEJ job seeker stated as not in studies or training", notInTraining(DEMANDEUR_EMPLOI), CEJ,
                        ELIGIBLE),

                // --- EMILE ---------------------------------------------------------------------------------------
                row("EMILE lives in Lyon", em1().livingIn("69123", "69"), EMILE, ELIGIBLE),
                row("EMILE lives in Lyon 3e arrondissement", em1().livingIn("69383", "69"), EMILE, ELIGIBLE),
                row("EMILE lives in Villeurbanne, in the metropolis", em1().livingIn("69266", "69"), EMILE, ELIGIBLE),
                row("EMILE lives in Vaulx-en-Velin, in the metropolis", em1().livingIn("69256", "69"), EMILE,
                        ELIGIBLE),
                row("EMILE lives in Chaponost, Rhone next to the metropolis", em1().livingIn("69043", "69"), EMILE,
                        NOT_ELIGIBLE, "HOME_TERRITORY"),
                row("EMILE lives in Villefranche-sur-Saone, Rhone outside the metropolis",
                        em1().livingIn("69264", "69"), EMILE, NOT_ELIGIBLE, "HOME_TERRITORY"),
                row("EMILE lives in the Rhone, commune unknown", em1().livingIn(null, "69"), EMILE, NEEDS_INFORMATION,
                        "HOME_TERRITORY"),
                row("EMILE lives in Ain, next to the metropolis", em1().livingIn("01249", "01"), EMILE, NOT_ELIGIBLE,
                        "HOME_TERRITORY"),
                row("EMILE lives in Seine-et-Marne", em1().livingIn("77288", "77"), EMILE, ELIGIBLE),
                row("EMILE lives in Oise, next to Ile-de-France", em1().livingIn("60057", "60"), EMILE, NOT_ELIGIBLE,
                        "HOME_TERRITORY"),
                row("EMILE does not want to move", em1().willingToMove(false), EMILE, NOT_ELIGIBLE,
                        "WILLING_TO_MOVE"),
                row("EMILE will to move not stated", em1().willingToMove(null), EMILE, NEEDS_INFORMATION,
                        "WILLING_TO_MOVE"),
                row("EMILE would move to Lozere, a host departement", em1().desiring("48"), EMILE, ELIGIBLE),
                row("EMILE would move to Bouches-du-Rhone or Lozere", em1().desiring("13", "48"), EMILE, ELIGIBLE),
                row("EMILE would move to Bouches-du-Rhone only, not a host departement", em1().desiring("13"), EMILE,
                        NOT_ELIGIBLE, "HOST_DEPARTEMENT"),
                row("EMILE would move to Doubs, a 2019 pilot but not a 2024 host", em1().desiring("25"), EMILE,
                        NOT_ELIGIBLE, "HOST_DEPARTEMENT"),
                row("EMILE destination not stated", em1().desiring(), EMILE, NEEDS_INFORMATION, "HOST_DEPARTEMENT"),
                row("EMILE lives in Marseille", em1().livingIn("13055", "13"), EMILE, NOT_ELIGIBLE, "HOME_TERRITORY"),
                row("EMILE tenant, not badly housed", em1().housing(LOCATAIRE), EMILE, NOT_ELIGIBLE,
                        "HOUSING_SITUATION"),
                row("EMILE no work permit", em1().workPermit(false), EMILE, NOT_ELIGIBLE, "WORK_PERMIT"),
                row("EMILE work permit unknown", em1().workPermit(null), EMILE, NEEDS_INFORMATION, "WORK_PERMIT"),
                row("EMILE temping", em1().status(SALARIE).contract(INTERIM, PRIVE_NON_AGRICOLE, APPLIED), EMILE,
                        ELIGIBLE),
                row("EMILE permanent contract: working time to check",
                        em1().status(SALARIE).contract(CDI, PRIVE_NON_AGRICOLE, APPLIED), EMILE, NEEDS_INFORMATION,
                        "EMPLOYMENT_SITUATION"),
                row("EMILE permanent contract, full time",
                        em1().status(SALARIE).contract(CDI, PRIVE_NON_AGRICOLE, APPLIED).partTime(false), EMILE,
                        NOT_ELIGIBLE, "EMPLOYMENT_SITUATION"),
                row("EMILE permanent contract, part time",
                        em1().status(SALARIE).contract(CDI, PRIVE_NON_AGRICOLE, APPLIED).partTime(true), EMILE,
                        ELIGIBLE),
                row("EMILE fixed-term contract a day short of 6 months (01/01 to 29/06)",
                        employedOnCdd(LocalDate.of(2025, 6, 29)), EMILE, ELIGIBLE),
                row("EMILE fixed-term contract of exactly 6 months (01/01 to 30/06), working time unknown",
                        employedOnCdd(LocalDate.of(2025, 6, 30)), EMILE, NEEDS_INFORMATION, "EMPLOYMENT_SITUATION"),
                row("EMILE fixed-term contract of exactly 6 months, full time",
                        employedOnCdd(LocalDate.of(2025, 6, 30)).partTime(false), EMILE, NOT_ELIGIBLE,
                        "EMPLOYMENT_SITUATION"),
                row("EMILE fixed-term contract of exactly 6 months, part time",
                        employedOnCdd(LocalDate.of(2025, 6, 30)).partTime(true), EMILE, ELIGIBLE),
                row("EMILE fixed-term contract without end date, full time: length to give",
                        employedOnCdd(null).partTime(false), EMILE, NEEDS_INFORMATION, "EMPLOYMENT_SITUATION"),
                row("EMILE 3-month seasonal contract", em1().status(SAISONNIER)
                        .contract(SAISONNIER_AGRICOLE, AGRICOLE, LocalDate.of(2025, 3, 1))
                        .contractEnd(LocalDate.of(2025, 5, 31)), EMILE, ELIGIBLE),
                row("EMILE student without contract", em1().status(ETUDIANT), EMILE, NOT_ELIGIBLE,
                        "EMPLOYMENT_SITUATION"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides_each_case_for_the_expected_reasons(Case row) {
        EligibilityDecision decision = ENGINE.decide(row.referral().build(), DECIDED_AT);

        ProgrammeDecision programme = decision.getProgrammes().stream()
                .filter(p -> p.getProgramme() == row.programme())
                .findFirst()
                .orElseThrow(() -> new AssertionError(row.programme() + " was not decided"));
        assertThat(programme.getOutcome()).as(programme.getSummary()).isEqualTo(row.outcome());
        assertThat(programme.getCriteria())
                .filteredOn(criterion -> criterion.getVerdict() != CriterionResult.PASS)
                .extracting(criterion -> criterion.getCode())
                .as("criteria not passed (%s)", programme.getCriteria())
                .containsExactlyInAnyOrderElementsOf(row.criteriaNotPassed());
        if (row.outcome() == NEEDS_INFORMATION) {
            // What to send is named, never left for the counsellor to guess.
            assertThat(programme.getMissingInputs()).as("missing inputs of %s", programme.getSummary()).isNotEmpty();
        }
    }

    /** SA1 in full: a 3-month seasonal contract gives 3 x 150 EUR = 450 EUR. */
    @org.junit.jupiter.api.Test
    void seasonalWorkerAidTotalsTheMonthsOfTheContract() {
        var decision = EligibilityEngine.withBundledRuleSets().decide(
                sa1().contractEnd(APPLIED.minusMonths(2).plusMonths(3).minusDays(1)).build(), java.time.Instant.now());
        var seasonal = decision.getProgrammes().stream()
                .filter(p -> p.getProgramme() == AIDE_SAISONNIERS_AGRICOLES).findFirst().orElseThrow();

        org.assertj.core.api.Assertions.assertThat(seasonal.getOutcome()).isEqualTo(ELIGIBLE);
        org.assertj.core.api.Assertions.assertThat(seasonal.getMonthlyAmountCents()).isEqualTo(15_000L);
        org.assertj.core.api.Assertions.assertThat(seasonal.getTotalAmountCents()).isEqualTo(45_000L);
    }

    /** A 6-month season is capped at 4 months of aid. */
    @org.junit.jupiter.api.Test
    void seasonalWorkerAidIsCappedAtFourMonths() {
        var decision = EligibilityEngine.withBundledRuleSets().decide(
                sa1().contractEnd(APPLIED.minusMonths(2).plusMonths(6).minusDays(1)).build(), java.time.Instant.now());

        org.assertj.core.api.Assertions.assertThat(decision.getProgrammes()).filteredOn(p -> p.getProgramme() == AIDE_SAISONNIERS_AGRICOLES)
                .singleElement().extracting(p -> p.getTotalAmountCents()).isEqualTo(60_000L);
    }
}
