package fr.referralhub.eligibility;

import static fr.referralhub.avro.Programme.AIDE_SAISONNIERS_AGRICOLES;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;

import fr.referralhub.avro.ContractType;
import fr.referralhub.avro.Programme;

/**
 * Rent aid for agricultural seasonal workers (Action Logement): a fixed monthly amount for at most a few months,
 * applied for within some months of the contract start.
 *
 * <p>Two things the hub cannot check, said in the summary rather than guessed:
 * <ul>
 *   <li>the total, when the contract's end date is not known: it is the monthly amount times the contract's
 *       months (capped), so without an end date the decision gives the monthly amount and no total;</li>
 *   <li>the aids the provider actually paid: the repeat limit (once more, in another calendar year) is checked
 *       against the aids the hub itself found the person eligible for on other referrals (the referral state's
 *       person history), which is what a counsellor can act on.</li>
 * </ul>
 * An application before the contract start is accepted: a referral often precedes the season.
 */
final class SeasonalAgriculturalWorkerAidRule implements ProgrammeRule {

    static final RuleParameter MONTHS_AFTER_START =
            RuleParameter.integer(AIDE_SAISONNIERS_AGRICOLES, "applicationMonthsAfterContractStart");
    static final RuleParameter MONTHLY_AMOUNT = RuleParameter.decimal(AIDE_SAISONNIERS_AGRICOLES, "monthlyAmountEur");
    static final RuleParameter MAXIMUM_MONTHS = RuleParameter.integer(AIDE_SAISONNIERS_AGRICOLES, "maximumMonths");

    @Override
    public Programme programme() {
        return AIDE_SAISONNIERS_AGRICOLES;
    }

    @Override
    public List<RuleParameter> parameters() {
        return List.of(MONTHS_AFTER_START, MONTHLY_AMOUNT, MAXIMUM_MONTHS);
    }

    @Override
    public Assessment assess(ReferralFacts facts, RuleContext context) {
        RuleSet rules = context.ruleSet();
        BigDecimal monthly = rules.decimal(MONTHLY_AMOUNT);
        int maximumMonths = rules.integer(MAXIMUM_MONTHS);
        Assessment assessment = new Assessment();
        CommonChecks.contractType(assessment, facts, EnumSet.of(ContractType.SAISONNIER_AGRICOLE));
        CommonChecks.applicationWindow(assessment, facts, context, null, rules.integer(MONTHS_AFTER_START));
        onceMoreInAnotherYear(assessment, seasonYear(facts, context.applicationDate()), context.earlierAids());
        LocalDate start = facts.contractStart();
        LocalDate end = facts.contractEnd();
        if (start != null && end != null && !end.isBefore(start)) {
            int months = Math.min(maximumMonths, contractMonths(start, end));
            BigDecimal total = monthly.multiply(BigDecimal.valueOf(months));
            return assessment
                    .amounts(Money.cents(monthly), Money.cents(total))
                    .summaryDetail(FrenchText.euros(monthly) + " par mois pendant " + months + " mois (contrat du "
                            + FrenchText.date(start) + " au " + FrenchText.date(end) + ", " + maximumMonths
                            + " mois au plus), soit " + FrenchText.euros(total) + " ; les aides versées par "
                            + "Action Logement ne sont pas connues du hub");
        }
        return assessment
                .amounts(Money.cents(monthly), null)
                .summaryDetail(FrenchText.euros(monthly) + " par mois pendant " + maximumMonths + " mois au plus ("
                        + FrenchText.euros(monthly.multiply(BigDecimal.valueOf(maximumMonths))) + "), total selon la "
                        + "durée du contrat, dont la date de fin n'est pas connue ; les aides versées par Action "
                        + "Logement ne sont pas connues du hub");
    }

    /**
     * The calendar year an aid counts for: its season's, the year the contract starts; the application date's when
     * the start is not known. The referral state remembers an eligible aid under this year.
     */
    static int seasonYear(ReferralFacts facts, LocalDate applicationDate) {
        return facts.contractStart() != null ? facts.contractStart().getYear() : applicationDate.getYear();
    }

    /**
     * "Once more, in another calendar year" (DOMAIN.md): at most two aids, never two for the same year, against the
     * aids the hub found the same person eligible for on other referrals.
     */
    private static void onceMoreInAnotherYear(Assessment assessment, int year, List<EarlierAid> earlierAids) {
        List<EarlierAid> earlier = earlierAids.stream()
                .filter(aid -> aid.programme() == AIDE_SAISONNIERS_AGRICOLES)
                .sorted(Comparator.comparingInt(EarlierAid::year))
                .toList();
        String threshold = "une aide, puis une seconde une autre année civile";
        if (earlier.isEmpty()) {
            assessment.pass(CriterionCode.ONCE_MORE_IN_ANOTHER_YEAR, "aucune", threshold, "Le hub n'a jugé cette "
                    + "personne éligible à l'aide aux saisonniers agricoles sur aucune autre orientation.");
            return;
        }
        // Years only: which other referral (and so which other partner) knew the person is not this decision's
        // readers' business.
        String known = earlier.stream().map(aid -> String.valueOf(aid.year())).distinct()
                .collect(Collectors.joining(" et "));
        long years = earlier.stream().mapToInt(EarlierAid::year).distinct().count();
        if (earlier.stream().anyMatch(aid -> aid.year() == year)) {
            assessment.fail(CriterionCode.ONCE_MORE_IN_ANOTHER_YEAR, known, threshold, "Déjà jugée éligible pour "
                    + "une saison de " + year + " sur une autre orientation : une seconde aide n'est possible qu'une "
                    + "autre année civile.");
        } else if (years >= 2) {
            assessment.fail(CriterionCode.ONCE_MORE_IN_ANOTHER_YEAR, known, threshold, "Déjà jugée éligible pour "
                    + "deux saisons (" + known + ") sur d'autres orientations : l'aide n'est accordée qu'une fois de "
                    + "plus.");
        } else {
            assessment.pass(CriterionCode.ONCE_MORE_IN_ANOTHER_YEAR, known, threshold, "Jugée éligible une fois, en "
                    + known + ", sur une autre orientation : une seconde aide est possible pour " + year + ".");
        }
    }

    /** Months of contract, a started month counting in full (1 Oct - 31 Dec is 3 months, 1 Oct - 2 Jan is 4). */
    static int contractMonths(LocalDate start, LocalDate lastDay) {
        LocalDate after = lastDay.plusDays(1);
        int months = (int) ChronoUnit.MONTHS.between(start, after);
        return start.plusMonths(months).isBefore(after) ? months + 1 : months;
    }
}
