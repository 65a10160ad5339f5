package fr.referralhub.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The alert rules as Prometheus reads them: promtool (Debian's prometheus package) checks their syntax and runs their
 * unit tests, ops/prometheus/alerts.test.yml, which prove that EligibilityStalled fires on a freshly restarted hub
 * whose intake rises while no decision comes, and that a first dead letter after a restart raises DeadLettersWritten.
 * Skipped on a developer's machine without promtool; on CI (CI=true, set by .ci/run, which installs it) a missing
 * promtool fails the build instead.
 */
class AlertRulesTest {

    private static final Path RULES = Path.of("ops/prometheus/alerts.yml");
    private static final Path RULE_TESTS = Path.of("ops/prometheus/alerts.test.yml");

    @Test
    void shouldBeRulesPrometheusLoads() throws Exception {
        assertThat(promtool("check", "rules", RULES.toString())).contains("SUCCESS");
    }

    @Test
    void shouldFireTheAlertsAsTheirUnitTestsSay() throws Exception {
        assertThat(Files.readString(RULE_TESTS)).contains("alertname: EligibilityStalled");
        assertThat(promtool("test", "rules", RULE_TESTS.toString())).contains("SUCCESS");
    }

    /** Runs promtool with these arguments and returns its output; fails with that output unless it succeeds. */
    private static String promtool(String... arguments) throws Exception {
        Optional<Path> promtool = onPath("promtool");
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        assumeTrue(ci || promtool.isPresent(), "promtool is missing (apt-get install prometheus): skipped");
        assertThat(promtool).as("CI installs promtool (.ci/run: Debian's prometheus)").isPresent();

        List<String> command = new ArrayList<>(List.of(promtool.get().toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(process.exitValue()).as("promtool %s:%n%s", String.join(" ", arguments), output).isZero();
        return output;
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator)).filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, program)).filter(Files::isExecutable).findFirst();
    }
}
