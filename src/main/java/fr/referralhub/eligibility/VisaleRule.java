package fr.referralhub.eligibility;

import static fr.referralhub.avro.Programme.VISALE;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import fr.referralhub.avro.CriterionResult;
import fr.referralhub.avro.EmployerSector;
import fr.referralhub.avro.EmploymentStatus;
import fr.referralhub.avro.Programme;

/**
 * Visale (Action Logement): a free rental guarantee. Open to the 18-30 whatever their situation, and over 30 to
 * private-sector employees hired recently or earning a low net salary; the rent of the target housing is capped.
 */
final class VisaleRule implements ProgrammeRule {

    static final RuleParameter MINIMUM_AGE = RuleParameter.integer(VISALE, "minimumAge");
    static final RuleParameter YOUNG_MAXIMUM_AGE = RuleParameter.integer(VISALE, "youngMaximumAge");
    static final RuleParameter RECENT_HIRE_MAXIMUM_MONTHS = RuleParameter.integer(VISALE, "recentHireMaximumMonths");
    static final RuleParameter NET_SALARY_CEILING = RuleParameter.decimal(VISALE, "netSalaryCeilingEur");
    static final RuleParameter RENT_CAP_ILE_DE_FRANCE = RuleParameter.decimal(VISALE, "rentCapIleDeFranceEur");
    static final RuleParameter RENT_CAP_ELSEWHERE = RuleParameter.decimal(VISALE, "rentCapElsewhereEur");

    @Override
    public Programme programme() {
        return VISALE;
    }

    @Override
    public List<RuleParameter> parameters() {
        return List.of(MINIMUM_AGE, YOUNG_MAXIMUM_AGE, RECENT_HIRE_MAXIMUM_MONTHS, NET_SALARY_CEILING,
                RENT_CAP_ILE_DE_FRANCE, RENT_CAP_ELSEWHERE);
    }

    @Override
    public Assessment assess(ReferralFacts facts, RuleContext context) {
        Assessment assessment = new Assessment();
        checkAgeOrWorkSituation(assessment, facts, context);
        checkRentCap(assessment, facts, context.ruleSet());
        return assessment;
    }

    /**
     * One criterion for the three ways into Visale (young; over 30 and hired recently; over 30 and low net salary):
     * they are alternatives, so listing them as separate criteria would turn one unmet alternative into a
     * NOT_ELIGIBLE although another one is met.
     */
    private static void checkAgeOrWorkSituation(Assessment assessment, ReferralFacts facts, RuleContext context) {
        RuleSet rules = context.ruleSet();
        int minimumAge = rules.integer(MINIMUM_AGE);
        int youngMaximumAge = rules.integer(YOUNG_MAXIMUM_AGE);
        int recentHireMonths = rules.integer(RECENT_HIRE_MAXIMUM_MONTHS);
        BigDecimal netCeiling = rules.decimal(NET_SALARY_CEILING);
        String threshold = "de " + minimumAge + " à " + FrenchText.age(youngMaximumAge) + " ; au-delà, embauché dans le privé"
                + " depuis moins de " + recentHireMonths + " mois, promesse d'embauche ou salaire net <= "
                + FrenchText.euros(netCeiling);

        Integer age = facts.ageOn(context.applicationDate());
        if (age == null) {
            assessment.unknown(CriterionCode.AGE_OR_WORK_SITUATION, null, threshold,
                    CommonChecks.unknownAgeExplanation(facts), ReferralFacts.BIRTH_DATE_PATH);
            return;
        }
        String onDate = FrenchText.age(age) + " au " + FrenchText.date(context.applicationDate());
        if (age < minimumAge) {
            assessment.fail(CriterionCode.AGE_OR_WORK_SITUATION, FrenchText.age(age), threshold,
                    onDate + " : Visale est ouverte à partir de " + FrenchText.age(minimumAge) + ".");
            return;
        }
        if (age <= youngMaximumAge) {
            assessment.pass(CriterionCode.AGE_OR_WORK_SITUATION, FrenchText.age(age), threshold, onDate
                    + " : Visale est ouverte de " + minimumAge + " à " + FrenchText.age(youngMaximumAge)
                    + " quelle que soit la situation professionnelle.");
            return;
        }

        Route recentHire = recentPrivateHire(facts, context.applicationDate(), recentHireMonths);
        Route lowSalary = lowNetSalary(facts, netCeiling);
        String value = situationOverThirty(facts, age);
        String bothRoutes = onDate + ", plus de " + FrenchText.age(youngMaximumAge) + " : " + recentHire.text()
                + " ; " + lowSalary.text() + ".";
        if (recentHire.verdict() == CriterionResult.PASS || lowSalary.verdict() == CriterionResult.PASS) {
            Route met = recentHire.verdict() == CriterionResult.PASS ? recentHire : lowSalary;
            assessment.pass(CriterionCode.AGE_OR_WORK_SITUATION, value, threshold, onDate + ", plus de "
                    + FrenchText.age(youngMaximumAge) + " : " + met.text() + ", condition remplie.");
        } else if (recentHire.verdict() == CriterionResult.UNKNOWN || lowSalary.verdict() == CriterionResult.UNKNOWN) {
            List<String> missing = new ArrayList<>(recentHire.missing());
            missing.addAll(lowSalary.missing());
            assessment.unknown(CriterionCode.AGE_OR_WORK_SITUATION, value, threshold, bothRoutes, missing);
        } else {
            assessment.fail(CriterionCode.AGE_OR_WORK_SITUATION, value, threshold, bothRoutes);
        }
    }

    /** One way into Visale over 30, with the sentence fragment that explains its verdict. */
    private record Route(CriterionResult verdict, String text, List<String> missing) {

        static Route met(String text) {
            return new Route(CriterionResult.PASS, text, List.of());
        }

        static Route notMet(String text) {
            return new Route(CriterionResult.FAIL, text, List.of());
        }

        static Route unknown(String text, List<String> missing) {
            return new Route(CriterionResult.UNKNOWN, text, missing);
        }
    }

    /**
     * Hired by a private employer (agricultural employers are private too) on a contract that started less than
     * {@code months} months before the application date, whatever the partner calls the person's status: a seasonal
     * worker on a recent private contract counts, and so does a job seeker holding a contract that starts after the
     * application date (a promise of hire, which Visale also accepts). The contract decides, not the status label.
     */
    private static Route recentPrivateHire(ReferralFacts facts, LocalDate applicationDate, int months) {
        EmploymentStatus status = facts.employmentStatus();
        if (facts.contractType() == null) {
            if (status == null) {
                return Route.unknown("situation professionnelle inconnue",
                        List.of(ReferralFacts.EMPLOYMENT_STATUS_PATH));
            }
            if (facts.knownToHaveNoContract()) {
                return Route.notMet("pas de contrat de travail ni de promesse d'embauche ("
                        + FrenchText.employmentStatus(status) + ")");
            }
            return Route.unknown(FrenchText.employmentStatus(status) + ", contrat non transmis",
                    List.of(ReferralFacts.CONTRACT_TYPE_PATH));
        }
        EmployerSector sector = facts.employerSector();
        LocalDate start = facts.contractStart();
        if (sector == EmployerSector.PUBLIC) {
            return Route.notMet("contrat avec un employeur public, non couvert");
        }
        if (sector == null || start == null) {
            List<String> missing = new ArrayList<>();
            if (sector == null) {
                missing.add(ReferralFacts.EMPLOYER_SECTOR_PATH);
            }
            if (start == null) {
                missing.add(ReferralFacts.CONTRACT_START_PATH);
            }
            return Route.unknown("contrat de travail, mais secteur de l'employeur ou date d'embauche inconnus", missing);
        }
        if (start.isAfter(applicationDate)) {
            return Route.met("promesse d'embauche dans le privé, contrat débutant le " + FrenchText.date(start));
        }
        String hired = "embauche le " + FrenchText.date(start);
        return start.isAfter(applicationDate.minusMonths(months))
                ? Route.met("embauché dans le privé, " + hired + ", moins de " + months + " mois avant la demande")
                : Route.notMet("embauché dans le privé, mais " + hired + ", plus de " + months + " mois avant la demande");
    }

    /**
     * Net monthly salary at most the ceiling. A gross salary is never converted: only the net amount counts. A person
     * known to have no contract does not qualify this way: DOMAIN.md lists it among the situations of a salaried
     * person ("earning <= 1,500 EUR net/month").
     */
    private static Route lowNetSalary(ReferralFacts facts, BigDecimal ceilingEur) {
        Long net = facts.netMonthlySalaryCents();
        if (net == null && facts.knownToHaveNoContract()) {
            // This way in is for people earning a salary, not for every person without income.
            return Route.notMet("pas de salaire (" + FrenchText.employmentStatus(facts.employmentStatus()) + ")");
        }
        if (net == null) {
            Long gross = facts.grossMonthlySalaryCents();
            return Route.unknown(gross == null
                    ? "salaire net mensuel inconnu"
                    : "salaire net mensuel inconnu (le salaire brut de " + FrenchText.euros(gross)
                            + " n'est pas converti en net)", List.of(ReferralFacts.NET_SALARY_PATH));
        }
        String salary = "salaire net de " + FrenchText.euros(net);
        return net <= Money.cents(ceilingEur)
                ? Route.met(salary + ", au plus " + FrenchText.euros(ceilingEur))
                : Route.notMet(salary + ", au-dessus de " + FrenchText.euros(ceilingEur));
    }

    /** What the rule saw of a person over 30, e.g. "40 ans, salarié, embauche le 01/03/2015, net 2500.00 EUR". */
    private static String situationOverThirty(ReferralFacts facts, int age) {
        StringBuilder value = new StringBuilder(FrenchText.age(age));
        if (facts.employmentStatus() != null) {
            value.append(", ").append(FrenchText.employmentStatus(facts.employmentStatus()));
        }
        if (facts.contractStart() != null) {
            value.append(", embauche le ").append(FrenchText.date(facts.contractStart()));
        }
        if (facts.netMonthlySalaryCents() != null) {
            value.append(", net ").append(FrenchText.euros(facts.netMonthlySalaryCents()));
        }
        return value.toString();
    }

    /**
     * Rent at most the cap of the target housing's region. When the departement is unknown the rule still answers
     * if the rent is under both caps (PASS) or above both (FAIL), and asks for the departement only in between.
     */
    private static void checkRentCap(Assessment assessment, ReferralFacts facts, RuleSet rules) {
        BigDecimal capIleDeFrance = rules.decimal(RENT_CAP_ILE_DE_FRANCE);
        BigDecimal capElsewhere = rules.decimal(RENT_CAP_ELSEWHERE);
        String departement = facts.targetDepartement();
        Long rent = facts.monthlyRentCents();
        String threshold;
        Boolean withinCap;
        if (departement != null) {
            boolean ileDeFrance = Territories.isIleDeFrance(departement);
            BigDecimal cap = ileDeFrance ? capIleDeFrance : capElsewhere;
            threshold = "<= " + FrenchText.euros(cap) + (ileDeFrance ? ", Île-de-France" : ", hors Île-de-France");
            withinCap = rent == null ? null : rent <= Money.cents(cap);
        } else {
            threshold = "<= " + FrenchText.euros(capIleDeFrance) + " en Île-de-France, <= "
                    + FrenchText.euros(capElsewhere) + " ailleurs";
            long lowerCap = Money.cents(capIleDeFrance.min(capElsewhere));
            long higherCap = Money.cents(capIleDeFrance.max(capElsewhere));
            withinCap = rent == null || (rent > lowerCap && rent <= higherCap) ? null : rent <= lowerCap;
        }
        if (rent == null) {
            assessment.unknown(CriterionCode.RENT_CAP, null, threshold,
                    "Loyer du logement visé inconnu : le plafond de loyer ne peut pas être vérifié.",
                    ReferralFacts.RENT_PATH);
            return;
        }
        String value = FrenchText.euros(rent) + (departement == null ? "" : ", département " + departement);
        if (withinCap == null) {
            assessment.unknown(CriterionCode.RENT_CAP, value, threshold, "Loyer de " + FrenchText.euros(rent)
                    + " : le plafond dépend du département du logement visé, inconnu ; à préciser.",
                    ReferralFacts.TARGET_DEPARTEMENT_PATH);
        } else {
            assessment.passIf(withinCap, CriterionCode.RENT_CAP, value, threshold,
                    "Loyer de " + FrenchText.euros(rent) + " : dans le plafond (" + threshold + ").",
                    "Loyer de " + FrenchText.euros(rent) + " : au-dessus du plafond (" + threshold + ").");
        }
    }
}
