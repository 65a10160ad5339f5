package fr.referralhub.eligibility;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The hub's start-up with its rule-set file ({@code hub.eligibility.rule-sets}): the eligibility configuration
 * alone, the part of the hub's context that reads the file, so no broker is started. An invalid file fails the
 * context, hence the hub's start, with a message naming the file and the line.
 */
class EligibilityConfigurationTest {

    private final ApplicationContextRunner hub = new ApplicationContextRunner()
            .withUserConfiguration(EligibilityConfiguration.class);

    @TempDir
    Path dir;

    @Test
    void starts_with_the_bundled_rule_sets_by_default() {
        hub.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(EligibilityEngine.class);
        });
    }

    @Test
    void refuses_to_start_with_overlapping_rule_sets_naming_the_file_and_line() {
        hub.withPropertyValues("hub.eligibility.rule-sets=classpath:eligibility/overlapping/rule-sets.yaml")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .isInstanceOf(InvalidRuleSetFileException.class)
                            .hasMessageContaining("classpath:eligibility/overlapping/rule-sets.yaml:13: ")
                            .hasMessageContaining("rule sets 2023-07-01 and 2024-10-29 overlap");
                });
    }

    @Test
    void reads_an_operators_file_and_refuses_it_when_a_threshold_is_missing() throws IOException {
        String bundled = new String(getClass().getClassLoader()
                .getResourceAsStream(EligibilityEngine.BUNDLED_RULE_SETS).readAllBytes(), StandardCharsets.UTF_8);
        Path good = Files.writeString(dir.resolve("rule-sets.yaml"), bundled);
        String lastVisaleCap = "        rentCapElsewhereEur: 1300\n      AIDE_SAISONNIERS_AGRICOLES:\n"
                + "        applicationMonthsAfterContractStart: 6\n        monthlyAmountEur: 150\n"
                + "        maximumMonths: 4\n      CEJ:\n        minimumAge: 16\n        maximumAge: 25\n"
                + "        disabilityMaximumAge: 29\n";
        assertThat(bundled).endsWith(lastVisaleCap);
        Path missing = Files.writeString(Files.createDirectories(dir.resolve("missing")).resolve("rule-sets.yaml"),
                bundled.replace(lastVisaleCap, lastVisaleCap.replace("        rentCapElsewhereEur: 1300\n", "")));
        int visaleLine = lineOf(bundled, "      VISALE:", 2);

        hub.withPropertyValues("hub.eligibility.rule-sets=file:" + good).run(context ->
                assertThat(context).hasNotFailed());
        hub.withPropertyValues("hub.eligibility.rule-sets=file:" + missing).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(InvalidRuleSetFileException.class)
                    .hasMessageContaining("file:" + missing + ":" + visaleLine + ": ")
                    .hasMessageContaining("missing parameter VISALE.rentCapElsewhereEur");
        });
    }

    @Test
    void refuses_to_start_when_the_file_is_not_there() {
        hub.withPropertyValues("hub.eligibility.rule-sets=classpath:eligibility/no-such-file.yaml")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .isInstanceOf(InvalidRuleSetFileException.class)
                        .hasMessageContaining("classpath:eligibility/no-such-file.yaml")
                        .hasMessageContaining("not found"));
    }

    /** 1-based line of the n-th line equal to {@code text}. */
    private static int lineOf(String content, String text, int occurrence) {
        String[] lines = content.split("\n", -1);
        int seen = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].equals(text) && ++seen == occurrence) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " appears fewer than " + occurrence + " times");
    }
}
