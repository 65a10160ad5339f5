package fr.referralhub.operations;

import fr.referralhub.testing.PartnerApi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.NodeScript;
import fr.referralhub.testing.Samples;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.api.management.ManagedCamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The Hawtio console as an operator sees it: a real headless Chromium (Debian's, driven by playwright-core from
 * src/test/js/hawtio-routes.mjs) opens /actuator/hawtio with no login (dev profile), goes to Camel, the context's
 * routes folder and the Routes tab, and must list every route of the hub with its exchange counts.
 * The screenshot stays in target/hawtio/camel-routes.png.
 */
@HubTest
class HawtioConsoleBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCREENSHOT = Path.of("target/hawtio/camel-routes.png");
    private static final String INTAKE_ROUTE = "employment-agency-intake";
    /**
     * The hub's routes (routes/*.camel.yaml). POST /api/v1/referrals has no route of its own: the REST DSL inlines
     * the {@code direct:} route it calls (camel.rest.inline-routes defaults to true), so employment-agency-intake
     * consumes from rest://post:/api/v1:/referrals itself (checked below).
     */
    private static final List<String> HUB_ROUTES = List.of(INTAKE_ROUTE, "status-feedback", "dead-letter-writer");
    private static final String REST_ENDPOINT = "rest://post:/api/v1:/referrals";

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Autowired
    CamelContext camel;

    @Test
    void consoleAndItsJolokiaAnswerWithoutCredentialsInDev() throws Exception {
        HttpResponse<String> console = get("/actuator/hawtio/");
        // With security on (SecuredHubTest), a browser is sent to /login instead: HawtioLoginBrowserTest.
        assertThat(console.statusCode()).as(console.headers().map() + "\n" + console.body()).isEqualTo(200);
        assertThat(console.body()).contains("<title>Hawtio");

        HttpResponse<String> jolokia = get("/actuator/jolokia/version");
        assertThat(jolokia.statusCode()).as(jolokia.body()).isEqualTo(200);
    }

    @Test
    void consoleListsEveryRouteWithItsExchangeCounts() throws Exception {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        assumeTrue(ci || Files.isExecutable(CHROMIUM), CHROMIUM + " is missing (apt-get install chromium): skipped");
        assertThat(CHROMIUM).as("CI installs chromium (.ci/run)").isExecutable();

        // Every route Camel runs must be on screen; the hub's own routes must be among them.
        List<String> routeIds = new ArrayList<>(camel.getRoutes().stream().map(Route::getRouteId).toList());
        assertThat(routeIds).containsAll(HUB_ROUTES);
        assertThat(camel.getRoute(INTAKE_ROUTE).getEndpoint().getEndpointUri())
                .as("the route serving POST /api/v1/referrals").startsWith(REST_ENDPOINT);

        // At least one exchange, so the console has a count to show.
        HttpResponse<String> posted = PartnerApi.post(port, Samples.bytes("employment-agency/ft-orientation-mobili-jeune.json"));
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);

        Files.deleteIfExists(SCREENSHOT);
        List<String> args = new ArrayList<>(List.of("http://localhost:" + port, SCREENSHOT.toAbsolutePath().toString()));
        args.addAll(routeIds);
        args.add("--wait-exchanges=" + INTAKE_ROUTE);
        // Other hub contexts (SecuredHubTest) may live in this JVM: read this one's routes.
        args.add("--context=" + camel.getManagementName());
        NodeScript.Result browser = NodeScript.run(Duration.ofSeconds(300), "hawtio-routes.mjs",
                args.toArray(String[]::new));

        assertThat(browser.succeeded()).as(browser.describe()).isTrue();
        JsonNode result = JSON.readTree(browser.lastLine());
        assertThat(result.get("pageTitle").asText()).as(browser.describe()).contains("Hawtio");
        HawtioRoutesShown.assertEveryRouteListedAndStarted(result, routeIds, browser.describe());

        // The count on screen is Camel's own: at least our exchange, at most what JMX says now.
        JsonNode shown = result.at("/exchangesTotal/" + INTAKE_ROUTE);
        assertThat(shown.isNumber()).as("no Total column?\n" + browser.describe()).isTrue();
        long live = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute(INTAKE_ROUTE).getExchangesTotal();
        assertThat(shown.asLong()).as(browser.describe()).isBetween(1L, live);

        assertThat(SCREENSHOT).isRegularFile();
        assertThat(Files.size(SCREENSHOT)).as("screenshot size").isGreaterThan(10_000L);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
