package fr.referralhub.eligibility;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Euro arithmetic. Canonical amounts are euro cents ({@code long}); thresholds are computed in {@link BigDecimal}
 * euros and rounded to the cent once, half up, so "120 % of 1801.80" is exactly 2162.16 and a salary of 2162.16 EUR
 * passes while 2162.17 EUR does not. Doubles are never used: 0.1 + 0.2 is not 0.3 in binary.
 */
final class Money {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Money() {
    }

    /** {@code percent} % of {@code amountEur}, rounded to the cent. */
    static BigDecimal percentOf(BigDecimal percent, BigDecimal amountEur) {
        return amountEur.multiply(percent).divide(HUNDRED, 2, RoundingMode.HALF_UP);
    }

    static long cents(BigDecimal amountEur) {
        return amountEur.setScale(2, RoundingMode.HALF_UP).movePointRight(2).longValueExact();
    }
}
