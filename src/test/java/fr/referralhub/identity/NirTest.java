package fr.referralhub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NirTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "202049306615471",          // employment-agency sample
            "1 05 07 75 056 123 63",    // training-body sample, spaces between groups
            "280065911902209",          // social-landlord sample, key with a leading zero
            "185052A12345633",          // Corsica: 2A counts as 19 in the key
    })
    void shouldAcceptValidNirs(String nir) {
        assertThat(Nir.parse(nir).valid()).isTrue();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "202049306615472 | control key",
            "2,00029E+14     | scientific notation",
            "20204930661547  | 15 characters",
            "902049306615471 | not shaped like a NIR",
            "185052C12345633 | not shaped like a NIR",
    })
    void shouldRefuseWithAReasonThatDoesNotRepeatTheValue(String nir, String reason) {
        Nir.Result result = Nir.parse(nir);

        assertThat(result.valid()).isFalse();
        assertThat(result.problem()).contains(reason).doesNotContain(nir.replace(" ", ""));
    }

    @ParameterizedTest
    @CsvSource("202049306615471")
    void shouldNeverPrintItsValue(String nir) {
        assertThat(Nir.parse(nir).nir().orElseThrow().toString()).doesNotContain(nir);
    }
}
