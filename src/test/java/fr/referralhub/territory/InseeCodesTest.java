package fr.referralhub.territory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class InseeCodesTest {

    @ParameterizedTest(name = "{0} is in {1}")
    @CsvSource({"93066, 93", "2A004, 2A", "2B033, 2B", "97411, 974", "01001, 01", "15014, 15"})
    void shouldFindTheDepartementOfACommune(String commune, String departement) {
        assertThat(InseeCodes.departementOf(commune)).contains(departement);
    }

    @ParameterizedTest
    @ValueSource(strings = {"93200X", "20004", "00001", "9306", "97811", "2C004", ""})
    void shouldRefuseWhatIsNotACommuneCode(String code) {
        assertThat(InseeCodes.isCommune(code)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"75", "2A", "971", "01", "95"})
    void shouldAcceptDepartements(String code) {
        assertThat(InseeCodes.isDepartement(code)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"20", "00", "96", "977", "2C"})
    void shouldRefuseNonDepartements(String code) {
        assertThat(InseeCodes.isDepartement(code)).isFalse();
    }
}
