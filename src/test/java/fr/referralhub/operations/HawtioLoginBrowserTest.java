package fr.referralhub.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.referralhub.testing.HubProcess;
import fr.referralhub.testing.NodeScript;
import fr.referralhub.testing.OperatorAuditRecords;
import fr.referralhub.testing.SharedKafka;
import fr.referralhub.testing.TestOperators;
import javax.management.ObjectName;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.yaml.snakeyaml.Yaml;

/**
 * The console as deployed (security on), as a VIEWER and an OPERATOR use it: a real headless Chromium
 * (src/test/js/hawtio-routes.mjs) opens /actuator/hawtio, is sent to the login form, signs in, lands back on the
 * console and reads the Camel Routes tab, which must list every route of routes/, all started, with nothing refused
 * on the way. Then each tries to stop a harmless route through the Routes tab, and POSTs from the logged-in page
 * what gave an operator the host (HotSpotDiagnostic dumpHeap, Camel's sendStringBody to a file: endpoint):
 * <ul>
 * <li>the VIEWER is not offered Stop (the hub tells Hawtio what each user may invoke: security/HawtioPermissions),
 * and the route never stops;</li>
 * <li>the OPERATOR stops it and starts it again in the console; the route really went through both (its uptime,
 * read from Camel over JMX, is shorter than the browser session), and both are audited under the operator's name;</li>
 * <li>both are refused the host (403), each attempt audited as REFUSED under their name, and nothing is written.</li>
 * </ul>
 *
 * <p>The hub runs as its own process ({@link HubProcess}) with login on: one Camel context in its JVM, as in
 * production, whatever other hub contexts the test JVM holds for other tests. One hub serves both users: the VIEWER
 * goes first, so it sees the console as nobody has touched it yet.
 * The screenshots stay in target/hawtio/camel-routes-after-login.png and camel-routes-operator.png.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HawtioLoginBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path VIEWER_SCREENSHOT = Path.of("target/hawtio/camel-routes-after-login.png");
    private static final Path OPERATOR_SCREENSHOT = Path.of("target/hawtio/camel-routes-operator.png");
    /** A route whose stop harms nothing here: the hourly retention sweep of the drop folders. */
    private static final String HARMLESS_ROUTE = "training-body-drop-retention";
    private static final String STOP = "stop()";
    private static final String START = "start()";
    private static final List<String> DENIED = List.of("dumpHeap(java.lang.String,boolean)",
            "sendStringBody(java.lang.String,java.lang.String)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static List<String> routeIds;
    private static String auditTopic;
    private static HubProcess hub;

    @BeforeAll
    static void startHub() throws IOException {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        assumeTrue(ci || Files.isExecutable(CHROMIUM), CHROMIUM + " is missing (apt-get install chromium): skipped");
        assertThat(CHROMIUM).as("CI installs chromium (.ci/run)").isExecutable();
        routeIds = routeIdsOfRoutesFolder();
        assertThat(routeIds).contains("employment-agency-intake", "status-feedback", "dead-letter-writer",
                "social-landlord-intake", "training-body-file-intake", HARMLESS_ROUTE);
        hub = securedHub();
    }

    @AfterAll
    static void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    @Order(1)
    void viewerSeesEveryRouteStartedAndIsNeitherOfferedStopNorGivenTheHost() throws Exception {
        Instant began = Instant.now();
        NodeScript.Result browser = browse(TestOperators.VIEWER, TestOperators.VIEWER_PASSWORD, VIEWER_SCREENSHOT);
        JsonNode result = assertLoggedInAndEveryRouteListed(browser, VIEWER_SCREENSHOT);

        assertThat(result.at("/operated/stop/offered").asBoolean()).as("Stop offered to a VIEWER\n"
                + browser.describe()).isFalse();
        assertThat(result.at("/operated/start").isNull()).as(browser.describe()).isTrue();
        awaitRoute(route -> {
            assertThat(route.get("State").asText()).isEqualTo("Started");
            assertThat(route.get("UptimeMillis").asLong()).as("not restarted during the session")
                    .isGreaterThan(Duration.between(began, Instant.now()).toMillis());
        });
        assertDeniedAndAudited(browser, result, TestOperators.VIEWER, "operator-required");
        assertPasswordNowhere(browser, TestOperators.VIEWER_PASSWORD);
    }

    @Test
    @Order(2)
    void operatorStopsAndStartsARouteInTheConsoleAndIsRefusedTheHost() throws Exception {
        Instant began = Instant.now();
        NodeScript.Result browser = browse(TestOperators.OPERATOR, TestOperators.OPERATOR_PASSWORD,
                OPERATOR_SCREENSHOT);
        JsonNode result = assertLoggedInAndEveryRouteListed(browser, OPERATOR_SCREENSHOT);

        for (String step : List.of("stop", "start")) {
            JsonNode answer = result.at("/operated/" + step);
            assertThat(answer.get("offered").asBoolean()).as(step + "\n" + browser.describe()).isTrue();
            assertThat(answer.get("status").asInt()).as(step + "\n" + browser.describe()).isEqualTo(200);
            assertThat(answer.get("jolokiaStatus").asInt()).as(step + "\n" + browser.describe()).isEqualTo(200);
            assertThat(answer.get("notice").asText()).as(step).contains("routes " + step + (step.equals("stop")
                    ? "ped" : "ed") + " successfully");
        }
        assertThat(result.at("/operated/stop/stateShown").asText()).isEqualTo("Stopped");
        assertThat(result.at("/operated/start/stateShown").asText()).isEqualTo("Started");
        // Camel's own word, not the console's: started again, and since the session began.
        awaitRoute(route -> {
            assertThat(route.get("State").asText()).isEqualTo("Started");
            assertThat(route.get("UptimeMillis").asLong()).as("restarted during the session")
                    .isLessThan(Duration.between(began, Instant.now()).toMillis());
        });
        await("the operator's stop and start on the audit").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> audit = jolokiaAudit();
            for (String operation : List.of(STOP, START)) {
                assertThat(audit).as(operation).anySatisfy(entry -> {
                    assertThat(entry.get("actor").asText()).isEqualTo(TestOperators.OPERATOR);
                    assertThat(entry.get("action").asText()).isEqualTo("JOLOKIA_EXEC");
                    assertThat(entry.get("target").asText()).startsWith("jmx:org.apache.camel:")
                            .contains("name=\"" + HARMLESS_ROUTE + "\"").endsWith("/" + operation);
                    assertThat(entry.get("outcome").asText()).isEqualTo("ALLOWED");
                });
            }
        });
        assertDeniedAndAudited(browser, result, TestOperators.OPERATOR, "jolokia-operation-denied");
        assertPasswordNowhere(browser, TestOperators.OPERATOR_PASSWORD);
    }

    /** Logs in as this user, reads the Routes tab, operates the harmless route and tries the denied operations. */
    private static NodeScript.Result browse(String user, String password, Path screenshot) throws IOException {
        Files.deleteIfExists(screenshot);
        List<String> args = new ArrayList<>(List.of("http://localhost:" + hub.port(),
                screenshot.toAbsolutePath().toString()));
        args.addAll(routeIds);
        args.addAll(List.of("--login=" + user, "--context=referral-hub", "--operate=" + HARMLESS_ROUTE,
                "--try-denied"));
        return NodeScript.run(Duration.ofSeconds(300), Map.of("HAWTIO_PASSWORD", password), "hawtio-routes.mjs",
                args.toArray(String[]::new));
    }

    /**
     * What every user gets: the login form, then the Routes tab listing every route, all started when it arrived,
     * and nothing the console asked for on the way (tree, routes table, route diagram, RBAC) refused. The script's JSON.
     */
    private static JsonNode assertLoggedInAndEveryRouteListed(NodeScript.Result browser, Path screenshot)
            throws IOException {
        assertThat(browser.succeeded()).as(browser.describe()).isTrue();
        JsonNode result = JSON.readTree(browser.lastLine());
        assertThat(result.get("loginPage").asText()).as(browser.describe())
                .isEqualTo("http://localhost:" + hub.port() + "/login");
        assertThat(result.get("url").asText()).as(browser.describe()).contains("/actuator/hawtio/camel/routes");
        HawtioRoutesShown.assertEveryRouteListedAndStarted(result, routeIds, browser.describe());
        assertThat(result.get("refused")).as(browser.describe()).isEmpty();
        assertThat(screenshot).isRegularFile();
        assertThat(Files.size(screenshot)).as("screenshot size").isGreaterThan(10_000L);
        return result;
    }

    /** The page's dumpHeap and sendStringBody were refused with this problem, wrote nothing, and are audited. */
    private static void assertDeniedAndAudited(NodeScript.Result browser, JsonNode result, String user,
                                               String problem) {
        List<String> tried = new ArrayList<>();
        result.get("denied").forEach(answer -> {
            tried.add(answer.get("operation").asText());
            assertThat(answer.get("status").asInt()).as(answer + "\n" + browser.describe()).isEqualTo(403);
            assertThat(answer.get("problemType").asText()).as(answer.toString()).endsWith("/" + problem);
        });
        assertThat(tried).containsExactlyInAnyOrderElementsOf(DENIED);
        result.get("deniedFiles").forEach(file -> assertThat(Path.of(file.asText())).doesNotExist());
        await(user + "'s refused attempts on the audit").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> audit = jolokiaAudit();
            for (String operation : DENIED) {
                assertThat(audit).as(operation).anySatisfy(entry -> {
                    assertThat(entry.get("actor").asText()).isEqualTo(user);
                    assertThat(entry.get("channel").asText()).isEqualTo("JOLOKIA");
                    assertThat(entry.get("target").asText()).endsWith("/" + operation);
                    assertThat(entry.get("outcome").asText()).isEqualTo("REFUSED");
                });
            }
            // Never the arguments: the message body or the dump's path.
            assertThat(audit.toString()).doesNotContain("sent from the console").doesNotContain(".hprof");
        });
    }

    private static void assertPasswordNowhere(NodeScript.Result browser, String password) throws IOException {
        assertThat(browser.stdout() + browser.stderr()).doesNotContain(password);
        assertThat(Files.readString(hub.log())).as("the hub's log").doesNotContain(password);
    }

    /** The harmless route as Camel reports it over JMX (its route controller's status, its uptime), read as a VIEWER. */
    private static void awaitRoute(ThrowingConsumer<JsonNode> expectation) {
        await("route " + HARMLESS_ROUTE + " over JMX").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ObjectNode read = JSON.createObjectNode().put("type", "read")
                    .put("mbean", "org.apache.camel:type=routes,name=" + ObjectName.quote(HARMLESS_ROUTE) + ",*");
            read.set("attribute", JSON.createArrayNode().add("State").add("UptimeMillis"));
            HttpResponse<String> response = HTTP.send(TestOperators.basic(HttpRequest.newBuilder(
                                    URI.create("http://localhost:" + hub.port() + "/actuator/jolokia")),
                            TestOperators.VIEWER, TestOperators.VIEWER_PASSWORD)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(read.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode routes = JSON.readTree(response.body()).get("value");
            assertThat(routes).as(response.body()).hasSize(1);
            expectation.accept(routes.elements().next());
        });
    }

    private static List<JsonNode> jolokiaAudit() {
        return OperatorAuditRecords.jolokia(SharedKafka.bootstrapServers(), auditTopic);
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
        properties.put("hub.security.users[1].name", TestOperators.OPERATOR);
        properties.put("hub.security.users[1].password-hash", TestOperators.OPERATOR_HASH);
        properties.put("hub.security.users[1].roles", "OPERATOR");
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
        auditTopic = properties.get("hub.topics.operator-audit");
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
