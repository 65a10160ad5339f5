package fr.referralhub.eligibility;

import static fr.referralhub.avro.Programme.EMILE;
import static fr.referralhub.avro.Programme.MOBILI_JEUNE;
import static fr.referralhub.avro.Programme.MOBILI_PASS;
import static fr.referralhub.avro.Programme.VISALE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import fr.referralhub.avro.Need;
import fr.referralhub.avro.Programme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader accepts the bundled file and refuses, naming the file and the line, every kind of broken one. */
class RuleSetLoaderTest {

    private static final RuleParameter SALARY_PERCENT = RuleParameter.decimal(MOBILI_JEUNE, "salaryCeilingSmicPercent");
    private static final RuleParameter VISALE_MINIMUM_AGE = RuleParameter.integer(VISALE, "minimumAge");
    private static final RuleSetLoader LOADER = new RuleSetLoader(List.of(SALARY_PERCENT, VISALE_MINIMUM_AGE));

    /**
     * Two rule sets back to back, each with the two parameters the loader above requires. Line numbers asserted below
     * (1 = {@code referenceSmic:}): 7 version "2024-10-29", 8 its validFrom, 10 its parameters, 13 its VISALE; 15
     * version "2024-01-01", 16 its validFrom, 17 its validTo, 19 MOBILI_PASS, 20 lastApplicationDate, 22 its
     * MOBILI_JEUNE, 23 salaryCeilingSmicPercent: 80, 24 its VISALE.
     */
    private static final String VALID = """
            referenceSmic:
              - from: 2024-01-01
                grossMonthlyEur: 1766.92
              - from: 2024-11-01
                grossMonthlyEur: 1801.80
            ruleSets:
              - version: "2024-10-29"
                validFrom: 2024-10-29
                validTo:
                parameters:
                  MOBILI_JEUNE:
                    salaryCeilingSmicPercent: 120
                  VISALE:
                    minimumAge: 18
              - version: "2024-01-01"
                validFrom: 2024-01-01
                validTo: 2024-10-29
                closedProgrammes:
                  MOBILI_PASS:
                    lastApplicationDate: 2023-06-30
                parameters:
                  MOBILI_JEUNE:
                    salaryCeilingSmicPercent: 80
                  VISALE:
                    minimumAge: 18
            """;

    @TempDir
    Path dir;

    /** How a message names a line of the file: {@code /tmp/.../overlap.yaml:17: }, as editors and CI logs link. */
    private static String at(Path file, int line) {
        return file + ":" + line + ": ";
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    /** The file with one edit; fails if the edit did not apply, so a test never checks the valid file by mistake. */
    private Path edited(String name, String from, String to) throws IOException {
        assertThat(VALID).contains(from);
        return write(name, VALID.replace(from, to));
    }

    @Test
    void loads_rule_sets_in_date_order_with_exact_decimals() throws IOException {
        RuleSetCatalogue catalogue = LOADER.loadFromFile(write("rule-sets.yaml", VALID));

        assertThat(catalogue.ruleSets()).extracting(RuleSet::version).containsExactly("2024-01-01", "2024-10-29");
        assertThat(catalogue.ruleSetFor(LocalDate.of(2024, 10, 28)).decimal(SALARY_PERCENT))
                .isEqualByComparingTo("80");
        assertThat(catalogue.ruleSetFor(LocalDate.of(2024, 10, 29)).decimal(SALARY_PERCENT))
                .isEqualByComparingTo("120");
        assertThat(catalogue.ruleSetFor(LocalDate.of(2024, 10, 29)).validTo()).isNull();
        assertThat(catalogue.ruleSetFor(LocalDate.of(2024, 1, 1)).lastApplicationDate(MOBILI_PASS))
                .contains(LocalDate.of(2023, 6, 30));
        assertThat(catalogue.referenceSmicOn(LocalDate.of(2024, 10, 31))).isEqualTo(new BigDecimal("1766.92"));
        assertThat(catalogue.referenceSmicOn(LocalDate.of(2024, 11, 1))).isEqualTo(new BigDecimal("1801.80"));
    }

    @Test
    void the_bundled_file_holds_every_parameter_of_the_engine() {
        RuleSetCatalogue catalogue =
                EligibilityEngine.ruleSetLoader().loadFromClasspath(EligibilityEngine.BUNDLED_RULE_SETS);

        assertThat(catalogue.ruleSets()).extracting(RuleSet::version).containsExactly("2023-07-01", "2024-10-29");
        assertThat(catalogue.ruleSets()).allSatisfy(ruleSet ->
                assertThat(ruleSet.lastApplicationDate(MOBILI_PASS)).contains(LocalDate.of(2023, 6, 30)));
        assertThat(catalogue.ruleSetFor(LocalDate.of(2024, 10, 28)).decimal(MobiliJeuneRule.SALARY_CEILING_SMIC_PERCENT))
                .isEqualByComparingTo("80");
        assertThat(catalogue.ruleSetFor(LocalDate.of(2030, 1, 1)).decimal(MobiliJeuneRule.SALARY_CEILING_SMIC_PERCENT))
                .isEqualByComparingTo("120");
        assertThat(catalogue.referenceSmicOn(LocalDate.of(2024, 11, 1))).isEqualTo(new BigDecimal("1801.80"));
        assertThat(catalogue.referenceSmicOn(LocalDate.of(2025, 12, 31))).isEqualTo(new BigDecimal("1801.80"));
        assertThat(catalogue.referenceSmicOn(LocalDate.of(2026, 1, 1))).isEqualTo(new BigDecimal("1823.03"));
        assertThat(catalogue.newestReferenceSmic().getKey()).isEqualTo(LocalDate.of(2026, 1, 1));
        assertThat(catalogue.firstApplicationDate()).isEqualTo(LocalDate.of(2023, 7, 1));
        assertThat(catalogue.ruleSets()).allSatisfy(ruleSet -> {
            assertThat(ruleSet.suggestedFor(Need.LOGEMENT)).containsExactly(MOBILI_JEUNE, VISALE);
            assertThat(ruleSet.suggestedFor(Need.MOBILITE)).containsExactly(MOBILI_JEUNE, VISALE);
            assertThat(ruleSet.suggestedFor(Need.EMPLOI)).isEmpty();
        });
    }

    /** Territory parameters; line numbers asserted below: 10 hostDepartements, 13 "69266", 19 the second hosts. */
    private static final RuleParameter HOSTS = RuleParameter.departements(EMILE, "hostDepartements");
    private static final RuleParameter HOME_COMMUNES = RuleParameter.communes(EMILE, "homeCommunes");
    private static final RuleSetLoader TERRITORY_LOADER = new RuleSetLoader(List.of(HOSTS, HOME_COMMUNES));
    private static final String TERRITORIES = """
            referenceSmic:
              - from: 2024-01-01
                grossMonthlyEur: 1766.92
            ruleSets:
              - version: "2024-01-01"
                validFrom: 2024-01-01
                validTo: 2025-01-01
                parameters:
                  EMILE:
                    hostDepartements: ["01", "2A", "971"]
                    homeCommunes: &lyon
                      - "69123"
                      - "69266"
              - version: "2025-01-01"
                validFrom: 2025-01-01
                validTo:
                parameters:
                  EMILE:
                    hostDepartements: ["15"]
                    homeCommunes: *lyon
            """;

    @Test
    void reads_territories_as_insee_codes_in_file_order_and_a_list_repeated_by_its_anchor() throws IOException {
        RuleSetCatalogue catalogue = TERRITORY_LOADER.loadFromFile(write("territories.yaml", TERRITORIES));

        RuleSet first = catalogue.ruleSetFor(LocalDate.of(2024, 6, 1));
        RuleSet second = catalogue.ruleSetFor(LocalDate.of(2025, 6, 1));
        assertThat(first.codes(HOSTS)).containsExactly("01", "2A", "971");
        assertThat(second.codes(HOSTS)).containsExactly("15");
        assertThat(second.codes(HOME_COMMUNES)).containsExactly("69123", "69266");
        assertThat(second.has(HOME_COMMUNES)).isTrue();
    }

    @Test
    void refuses_a_territory_code_that_is_not_insee_or_written_twice_or_not_a_list() throws IOException {
        Path commune = write("commune.yaml", TERRITORIES.replace("\"69266\"", "\"6926\""));
        Path departement = write("departement.yaml", TERRITORIES.replace("\"2A\"", "\"20\""));
        Path twice = write("twice.yaml", TERRITORIES.replace("\"971\"]", "\"01\"]"));
        Path scalar = write("scalar.yaml", TERRITORIES.replace("[\"15\"]", "15"));
        Path missing = write("missing.yaml", TERRITORIES.replace("        hostDepartements: [\"15\"]\n", ""));

        assertThatThrownBy(() -> TERRITORY_LOADER.loadFromFile(commune)).hasMessageContaining(at(commune, 13))
                .hasMessageContaining("EMILE.homeCommunes: '6926' is not an INSEE commune code");
        assertThatThrownBy(() -> TERRITORY_LOADER.loadFromFile(departement)).hasMessageContaining(at(departement, 10))
                .hasMessageContaining("'20' is not an INSEE departement code");
        assertThatThrownBy(() -> TERRITORY_LOADER.loadFromFile(twice)).hasMessageContaining(at(twice, 10))
                .hasMessageContaining("01 is listed twice");
        assertThatThrownBy(() -> TERRITORY_LOADER.loadFromFile(scalar)).hasMessageContaining(at(scalar, 19))
                .hasMessageContaining("EMILE.hostDepartements must be a non-empty list");
        assertThatThrownBy(() -> TERRITORY_LOADER.loadFromFile(missing))
                .hasMessageContaining("missing parameter EMILE.hostDepartements");
    }

    @Test
    void the_bundled_file_lists_the_lyon_metropolis_and_the_emile_host_departements() {
        RuleSetCatalogue catalogue =
                EligibilityEngine.ruleSetLoader().loadFromClasspath(EligibilityEngine.BUNDLED_RULE_SETS);

        assertThat(catalogue.ruleSets()).allSatisfy(ruleSet -> {
            // Lyon, its 9 arrondissements and the 58 other communes (Pierre-Benite's pre-2024 code included)
            assertThat(ruleSet.codes(EmileRule.HOME_COMMUNES)).hasSize(68).contains("69123", "69381", "69266", "69152");
            assertThat(ruleSet.codes(EmileRule.HOME_DEPARTEMENTS)).containsExactly("75", "77", "78", "91", "92", "93",
                    "94", "95");
            assertThat(ruleSet.codes(EmileRule.HOST_DEPARTEMENTS)).containsExactly("01", "03", "15", "18", "36", "48",
                    "49", "73", "76");
            assertThat(ruleSet.integer(MobiliJeuneRule.MINIMUM_TRAVEL_MINUTES)).isEqualTo(40);
        });
    }

    @Test
    void refuses_overlapping_validity() throws IOException {
        Path file = edited("overlap.yaml", "validTo: 2024-10-29", "validTo: 2024-11-15");

        assertThatThrownBy(() -> LOADER.loadFromFile(file))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(file, 17))
                .hasMessageContaining("overlap")
                .hasMessageContaining("2024-11-15")
                .hasMessageContaining("2024-10-29 starts on 2024-10-29 (line 8)")
                .satisfies(e -> assertThat(((InvalidRuleSetFileException) e).line()).hasValue(17));
    }

    @Test
    void refuses_an_open_ended_rule_set_followed_by_another() throws IOException {
        Path file = edited("open-ended.yaml", "validTo: 2024-10-29", "validTo:");

        assertThatThrownBy(() -> LOADER.loadFromFile(file))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(file, 17))
                .hasMessageContaining("overlap");
    }

    @Test
    void refuses_a_gap_between_rule_sets() throws IOException {
        Path file = edited("gap.yaml", "validTo: 2024-10-29", "validTo: 2024-10-01");

        assertThatThrownBy(() -> LOADER.loadFromFile(file))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(file, 17))
                .hasMessageContaining("no rule set covers 2024-10-01 to 2024-10-28");
    }

    @Test
    void refuses_a_missing_threshold() throws IOException {
        Path file = edited("missing.yaml",
                "        salaryCeilingSmicPercent: 120\n      VISALE:\n        minimumAge: 18\n",
                "        salaryCeilingSmicPercent: 120\n");

        assertThatThrownBy(() -> LOADER.loadFromFile(file))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(file, 10) + "rule set 2024-10-29: missing parameter VISALE.minimumAge");
    }

    @Test
    void refuses_a_missing_threshold_at_its_programme_section() throws IOException {
        RuleParameter youngMaximumAge = RuleParameter.integer(VISALE, "youngMaximumAge");
        RuleSetLoader loader = new RuleSetLoader(List.of(SALARY_PERCENT, VISALE_MINIMUM_AGE, youngMaximumAge));
        Path file = write("missing-in-section.yaml", VALID);

        assertThatThrownBy(() -> loader.loadFromFile(file))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(file, 13) + "rule set 2024-10-29: missing parameter VISALE.youngMaximumAge");
    }

    @Test
    void refuses_an_unknown_key_and_an_unknown_programme() throws IOException {
        Path unknownKey = edited("unknown-key.yaml", "    validTo: 2024-10-29\n",
                "    validTo: 2024-10-29\n    comment: reform of 2024\n");
        Path unknownProgramme = edited("unknown-programme.yaml", "MOBILI_PASS:", "MOBILI_PAS:");

        assertThatThrownBy(() -> LOADER.loadFromFile(unknownKey))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(unknownKey, 18) + "ruleSets[1]: unknown key 'comment'");
        assertThatThrownBy(() -> LOADER.loadFromFile(unknownProgramme))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(unknownProgramme, 19) + "rule set 2024-01-01, closedProgrammes: unknown "
                        + "programme MOBILI_PAS");
    }

    @Test
    void refuses_a_misspelt_parameter() throws IOException {
        Path file = edited("misspelt.yaml", "salaryCeilingSmicPercent: 80", "salaryCeilingSmicPrecent: 80");

        assertThatThrownBy(() -> LOADER.loadFromFile(file))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(file, 23) + "rule set 2024-01-01: unknown parameter "
                        + "MOBILI_JEUNE.salaryCeilingSmicPrecent");
    }

    @Test
    void refuses_a_french_decimal_comma() throws IOException {
        Path file = edited("comma.yaml", "salaryCeilingSmicPercent: 80", "salaryCeilingSmicPercent: 80,5");

        assertThatThrownBy(() -> LOADER.loadFromFile(file))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(file, 23))
                .hasMessageContaining("'80,5' is not a number");
    }

    @Test
    void refuses_a_decimal_where_a_whole_number_is_expected() throws IOException {
        Path file = edited("fraction.yaml", "minimumAge: 18\n  - version", "minimumAge: 18.5\n  - version");

        assertThatThrownBy(() -> LOADER.loadFromFile(file))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(file, 14))
                .hasMessageContaining("VISALE.minimumAge: 18.5 must be a whole number");
    }

    @Test
    void refuses_a_parameter_written_twice() throws IOException {
        Path file = edited("twice.yaml", "salaryCeilingSmicPercent: 80",
                "salaryCeilingSmicPercent: 80\n        salaryCeilingSmicPercent: 90");

        assertThatThrownBy(() -> LOADER.loadFromFile(file))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(file, 24))
                .hasMessageContaining("duplicate key 'salaryCeilingSmicPercent' (first at line 23)");
    }

    @Test
    void refuses_a_rule_set_ending_before_it_starts() throws IOException {
        Path file = edited("backwards.yaml", "validFrom: 2024-01-01", "validFrom: 2024-12-01");

        assertThatThrownBy(() -> LOADER.loadFromFile(file))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(file, 17))
                .hasMessageContaining("validTo 2024-10-29 must be after validFrom 2024-12-01");
    }

    @Test
    void refuses_a_version_used_twice() throws IOException {
        Path file = edited("versions.yaml", "version: \"2024-01-01\"", "version: \"2024-10-29\"");

        assertThatThrownBy(() -> LOADER.loadFromFile(file))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(file, 15))
                .hasMessageContaining("appears twice (first at line 7)");
    }

    @Test
    void refuses_an_invalid_date() throws IOException {
        Path file = edited("date.yaml", "validFrom: 2024-10-29", "validFrom: 29/10/2024");

        assertThatThrownBy(() -> LOADER.loadFromFile(file))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(file, 8))
                .hasMessageContaining("'29/10/2024' is not a date");
    }

    @Test
    void refuses_a_smic_that_starts_after_the_first_rule_set() throws IOException {
        Path file = edited("smic.yaml", "- from: 2024-01-01", "- from: 2024-02-01");

        assertThatThrownBy(() -> LOADER.loadFromFile(file))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(file, 2))
                .hasMessageContaining("referenceSmic starts on 2024-02-01");
    }

    @Test
    void refuses_a_closure_inside_the_rule_set_period() throws IOException {
        Path file = edited("closure.yaml", "lastApplicationDate: 2023-06-30", "lastApplicationDate: 2024-06-30");

        assertThatThrownBy(() -> LOADER.loadFromFile(file))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(file, 20))
                .hasMessageContaining("lastApplicationDate 2024-06-30 must be before the rule set starts");
    }

    @Test
    void a_closed_programme_needs_no_parameter() throws IOException {
        RuleParameter mobiliPassParameter = RuleParameter.integer(MOBILI_PASS, "minimumDistanceKm");
        RuleSetLoader loader = new RuleSetLoader(List.of(SALARY_PERCENT, VISALE_MINIMUM_AGE, mobiliPassParameter));
        Path closedEverywhere = edited("closed.yaml", "    validTo:\n", "    validTo:\n    closedProgrammes:\n"
                + "      MOBILI_PASS:\n        lastApplicationDate: 2023-06-30\n");

        assertThat(loader.loadFromFile(closedEverywhere).ruleSets()).hasSize(2);
        // ... but an open programme does
        Path openInLastRuleSet = write("open.yaml", VALID);
        assertThatThrownBy(() -> loader.loadFromFile(openInLastRuleSet))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining("missing parameter MOBILI_PASS.minimumDistanceKm");
    }

    @Test
    void reads_the_programmes_each_need_suggests_per_rule_set() throws IOException {
        Path file = edited("suggested.yaml", "    validTo:\n    parameters:", "    validTo:\n"
                + "    suggestedProgrammes:\n      LOGEMENT: [VISALE, MOBILI_JEUNE]\n      EMPLOI: [CEJ]\n    parameters:");

        RuleSetCatalogue catalogue = LOADER.loadFromFile(file);

        RuleSet current = catalogue.ruleSetFor(LocalDate.of(2024, 10, 29));
        assertThat(current.suggestedFor(Need.LOGEMENT)).containsExactly(VISALE, MOBILI_JEUNE);
        assertThat(current.suggestedFor(Need.EMPLOI)).containsExactly(Programme.CEJ);
        assertThat(current.suggestedFor(Need.SANTE)).isEmpty();
        // absent: the needs suggest nothing in that rule set
        assertThat(catalogue.ruleSetFor(LocalDate.of(2024, 1, 1)).suggestedFor(Need.LOGEMENT)).isEmpty();
    }

    @Test
    void refuses_an_unknown_need_or_programme_in_the_suggestions_at_its_line() throws IOException {
        Path unknownNeed = edited("need.yaml", "    validTo:\n    parameters:", "    validTo:\n"
                + "    suggestedProgrammes:\n      LODGING: [VISALE]\n    parameters:");
        Path unknownProgramme = edited("programme.yaml", "    validTo:\n    parameters:", "    validTo:\n"
                + "    suggestedProgrammes:\n      LOGEMENT: [VISALE, MOBILI_JUNE]\n    parameters:");
        Path twice = edited("twice.yaml", "    validTo:\n    parameters:", "    validTo:\n"
                + "    suggestedProgrammes:\n      LOGEMENT: [VISALE, VISALE]\n    parameters:");

        assertThatThrownBy(() -> LOADER.loadFromFile(unknownNeed))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(unknownNeed, 11))
                .hasMessageContaining("unknown need LODGING");
        assertThatThrownBy(() -> LOADER.loadFromFile(unknownProgramme))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(unknownProgramme, 11))
                .hasMessageContaining("unknown programme MOBILI_JUNE");
        assertThatThrownBy(() -> LOADER.loadFromFile(twice))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining("VISALE is listed twice");
    }

    @Test
    void refuses_a_file_that_is_not_yaml_or_not_there() throws IOException {
        Path broken = write("broken.yaml", "ruleSets: [unclosed");

        assertThatThrownBy(() -> LOADER.loadFromFile(broken))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining(at(broken, 1))
                .hasMessageContaining("not readable as YAML");
        assertThatThrownBy(() -> LOADER.loadFromClasspath("eligibility/no-such-file.yaml"))
                .isInstanceOf(InvalidRuleSetFileException.class)
                .hasMessageContaining("eligibility/no-such-file.yaml")
                .hasMessageContaining("not found");
    }
}
