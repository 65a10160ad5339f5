package fr.referralhub.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.testing.HubProcess;
import fr.referralhub.testing.NodeScript;
import fr.referralhub.testing.SharedKafka;
import fr.referralhub.testing.TestOperators;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The console as deployed (security on): a real headless Chromium (src/test/js/hawtio-routes.mjs) opens
 * /actuator/hawtio, is sent to the login form, signs in as a VIEWER, lands back on the console and reads the Camel
 * Routes tab, which must list every route of routes/, all started. A VIEWER's console works on reads alone (Jolokia
 * read/list/search/version: OperatorAccessTest proves exec is refused to it).
 *
 * <p>The hub runs as its own process ({@link HubProcess}) with login on: one Camel context in its JVM, as in
 * production, whatever other hub contexts the test JVM holds for other tests.
 * The screenshot stays in target/hawtio/camel-routes-after-login.png.
 */
class HawtioLoginBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCREENSHOT = Path.of("target/hawtio/camel-routes-after-login.png");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void viewerLogsInAndSeesEveryRouteStarted() throws Exception {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        assumeTrue(ci || Files.isExecutable(CHROMIUM), CHROMIUM + " is missing (apt-get install chromium): skipped");
        assertThat(CHROMIUM).as("CI installs chromium (.ci/run)").isExecutable();
        List<String> routeIds = routeIdsOfRoutesFolder();
        assertThat(routeIds).contains("employment-agency-intake", "status-feedback", "dead-letter-writer",
                "social-landlord-intake", "training-body-file-intake");

        try (HubProcess hub = securedHub()) {
            Files.deleteIfExists(SCREENSHOT);
            List<String> args = new ArrayList<>(List.of("http://localhost:" + hub.port(),
                    SCREENSHOT.toAbsolutePath().toString()));
            args.addAll(routeIds);
            args.add("--login=" + TestOperators.VIEWER);
            args.add("--context=referral-hub");
            NodeScript.Result browser = NodeScript.run(Duration.ofSeconds(300),
                    Map.of("HAWTIO_PASSWORD", TestOperators.VIEWER_PASSWORD), "hawtio-routes.mjs",
                    args.toArray(String[]::new));

            assertThat(browser.succeeded()).as(browser.describe()).isTrue();
            JsonNode result = JSON.readTree(browser.lastLine());
            assertThat(result.get("loginPage").asText()).as(browser.describe())
                    .isEqualTo("http://localhost:" + hub.port() + "/login");
            assertThat(result.get("url").asText()).as(browser.describe()).contains("/actuator/hawtio/camel/routes");
            List<String> found = new ArrayList<>();
            result.get("routesFound").forEach(id -> found.add(id.asText()));
            assertThat(found).as(browser.describe()).containsExactlyInAnyOrderElementsOf(routeIds);
            for (String id : routeIds) {
                assertThat(result.at("/routes/" + id + "/State").asText()).as(id + "\n" + browser.describe())
                        .isEqualTo("Started");
            }
            // Everything the console asked for on the way (tree, routes table, route diagram) was allowed to a VIEWER.
            assertThat(result.get("refused")).as(browser.describe()).isEmpty();
            assertThat(browser.stdout() + browser.stderr()).doesNotContain(TestOperators.VIEWER_PASSWORD);
            assertThat(Files.readString(hub.log())).as("the hub's log").doesNotContain(TestOperators.VIEWER_PASSWORD);
        }
        assertThat(SCREENSHOT).isRegularFile();
        assertThat(Files.size(SCREENSHOT)).as("screenshot size").isGreaterThan(10_000L);
    }

    /** The hub with operator login on, on the test broker, with topics and registry subjects of its own. */
    private static HubProcess securedHub() throws IOException {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Path work = Files.createDirectories(Path.of("target/hawtio-login", run));
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("hub.security.enabled", "true");
        properties.put("hub.security.users[0].name", TestOperators.VIEWER);
        properties.put("hub.security.users[0].password-hash", TestOperators.VIEWER_HASH);
        properties.put("hub.security.users[0].roles", "VIEWER");
        properties.put("hub.kafka.bootstrap-servers", SharedKafka.bootstrapServers());
        properties.put("hub.embedded.schema-registry.port", String.valueOf(SharedKafka.freePort()));
        properties.put("hub.embedded.schema-registry.host", "127.0.0.1");
        properties.put("hub.embedded.schema-registry.topic", "_schemas-console-" + run);
        properties.put("hub.embedded.data-dir", work.resolve("data").toAbsolutePath().toString());
        properties.put("hub.intake.file-drops.root", work.resolve("drops").toAbsolutePath().toString());
        for (String topic : List.of("referrals", "eligibility-decisions", "dead-letters", "operator-audit",
                "subscriptions")) {
            properties.put("hub.topics." + topic, topic + ".console-" + run);
        }
        return HubProcess.start(properties, work.resolve("hub.log"), Duration.ofSeconds(120));
    }

    /** Every route id declared in routes/ (one flow per file), which the console must list. */
    @SuppressWarnings("unchecked")
    private static List<String> routeIdsOfRoutesFolder() throws IOException {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList()) {
                for (Object entry : new Yaml().loadAs(Files.readString(file), List.class)) {
                    Object route = ((Map<String, Object>) entry).get("route");
                    if (route != null) {
                        ids.add((String) ((Map<String, Object>) route).get("id"));
                    }
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return ids;
    }
}
