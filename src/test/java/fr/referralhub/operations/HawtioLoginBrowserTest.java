package fr.referralhub.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.testing.NodeScript;
import fr.referralhub.testing.SecuredHubTest;
import fr.referralhub.testing.TestOperators;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The console as deployed (security on): a real headless Chromium (src/test/js/hawtio-routes.mjs) opens
 * /actuator/hawtio, is sent to the login form, signs in as a VIEWER, lands back on the console and reads the Camel
 * Routes tab, which must list every route of the hub, all started. A VIEWER's console works on reads alone (Jolokia
 * read/list/search/version: OperatorAccessTest proves exec is refused to it).
 * The screenshot stays in target/hawtio/camel-routes-after-login.png.
 */
@SecuredHubTest
class HawtioLoginBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCREENSHOT = Path.of("target/hawtio/camel-routes-after-login.png");
    private static final List<String> HUB_ROUTES = List.of("employment-agency-intake", "eligibility-decisions",
            "dead-letter-writer", "social-landlord-intake", "training-body-file-intake");
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Autowired
    CamelContext camel;

    @Test
    void viewerLogsInAndSeesEveryRouteStarted() throws Exception {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        assumeTrue(ci || Files.isExecutable(CHROMIUM), CHROMIUM + " is missing (apt-get install chromium): skipped");
        assertThat(CHROMIUM).as("CI installs chromium (.ci/run)").isExecutable();

        List<String> routeIds = new ArrayList<>(camel.getRoutes().stream().map(Route::getRouteId).toList());
        assertThat(routeIds).containsAll(HUB_ROUTES);

        Files.deleteIfExists(SCREENSHOT);
        List<String> args = new ArrayList<>(List.of("http://localhost:" + port, SCREENSHOT.toAbsolutePath().toString()));
        args.addAll(routeIds);
        args.add("--login=" + TestOperators.VIEWER);
        args.add("--context=" + camel.getManagementName());
        NodeScript.Result browser = NodeScript.run(Duration.ofSeconds(120),
                Map.of("HAWTIO_PASSWORD", TestOperators.VIEWER_PASSWORD), "hawtio-routes.mjs",
                args.toArray(String[]::new));

        assertThat(browser.succeeded()).as(browser.describe()).isTrue();
        JsonNode result = JSON.readTree(browser.lastLine());
        assertThat(result.get("loginPage").asText()).as(browser.describe())
                .isEqualTo("http://localhost:" + port + "/login");
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
        assertThat(SCREENSHOT).isRegularFile();
        assertThat(Files.size(SCREENSHOT)).as("screenshot size").isGreaterThan(10_000L);
    }
}
