package fr.referralhub.eligibility;

import static fr.referralhub.avro.Programme.AIDE_SAISONNIERS_AGRICOLES;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;

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
 *   <li>the repeat limit (one more aid, in another calendar year): the hub does not know the aids already paid.</li>
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
        // Not checked yet: "once more in another calendar year" needs the aids the person already got, i.e. the
        // person's history in the referral state (fr.referralhub.state); it goes here as a criterion once that
        // history can be read. Until then the summary says the aids received are not checked.
        LocalDate start = facts.contractStart();
        LocalDate end = facts.contractEnd();
        if (start != null && end != null && !end.isBefore(start)) {
            int months = Math.min(maximumMonths, contractMonths(start, end));
            BigDecimal total = monthly.multiply(BigDecimal.valueOf(months));
            return assessment
                    .amounts(Money.cents(monthly), Money.cents(total))
                    .summaryDetail(FrenchText.euros(monthly) + " par mois pendant " + months + " mois (contrat du "
                            + FrenchText.date(start) + " au " + FrenchText.date(end) + ", " + maximumMonths
                            + " mois au plus), soit " + FrenchText.euros(total) + " ; une seconde aide n'est possible "
                            + "qu'une autre année civile (aides déjà reçues non vérifiées)");
        }
        return assessment
                .amounts(Money.cents(monthly), null)
                .summaryDetail(FrenchText.euros(monthly) + " par mois pendant " + maximumMonths + " mois au plus ("
                        + FrenchText.euros(monthly.multiply(BigDecimal.valueOf(maximumMonths))) + "), total selon la "
                        + "durée du contrat, dont la date de fin n'est pas connue ; une seconde aide n'est possible "
                        + "qu'une autre année civile (aides déjà reçues non vérifiées)");
    }

    /** Months of contract, a started month counting in full (1 Oct - 31 Dec is 3 months, 1 Oct - 2 Jan is 4). */
    static int contractMonths(LocalDate start, LocalDate lastDay) {
        LocalDate after = lastDay.plusDays(1);
        int months = (int) ChronoUnit.MONTHS.between(start, after);
        return start.plusMonths(months).isBefore(after) ? months + 1 : months;
    }
}
