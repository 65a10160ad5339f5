package fr.referralhub.eligibility;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;

/**
 * Amounts and dates in counsellor texts, the French way, with the exact characters: a narrow no-break space
 * (U+202F) between thousands, a decimal comma, a no-break space (U+00A0) before the euro sign.
 */
class FrenchTextTest {

    @Test
    void writes_amounts_with_narrow_no_break_thousands_a_decimal_comma_and_a_no_break_space_before_the_euro() {
        assertThat(FrenchText.euros(new BigDecimal("2187.64"))).isEqualTo("2\u202F187,64\u00A0€");
        assertThat(FrenchText.euros(218_764L)).isEqualTo("2\u202F187,64\u00A0€");
        assertThat(FrenchText.euros(new BigDecimal("1000000"))).isEqualTo("1\u202F000\u202F000,00\u00A0€");
        assertThat(FrenchText.euros(new BigDecimal("999.99"))).isEqualTo("999,99\u00A0€");
        assertThat(FrenchText.euros(new BigDecimal("150"))).isEqualTo("150,00\u00A0€");
        assertThat(FrenchText.euros(0L)).isEqualTo("0,00\u00A0€");
        assertThat(FrenchText.euros(new BigDecimal("-1234.5"))).isEqualTo("-1\u202F234,50\u00A0€");
    }

    @Test
    void rounds_to_the_cent_half_up() {
        assertThat(FrenchText.euros(new BigDecimal("2187.635"))).isEqualTo("2\u202F187,64\u00A0€");
    }

    @Test
    void never_writes_the_old_style_or_an_ordinary_space_in_an_amount() {
        String amount = FrenchText.euros(new BigDecimal("12345.67"));

        assertThat(amount).doesNotContain("EUR").doesNotContain(".").doesNotContain(" ");
    }

    @Test
    void writes_dates_as_day_month_year_with_two_digits() {
        assertThat(FrenchText.date(LocalDate.of(2026, 12, 5))).isEqualTo("05/12/2026");
    }
}
