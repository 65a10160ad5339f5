package fr.referralhub.security;

import static fr.referralhub.testing.TestOperators.OPERATOR;
import static fr.referralhub.testing.TestOperators.OPERATOR_PASSWORD;
import static fr.referralhub.testing.TestOperators.VIEWER;
import static fr.referralhub.testing.TestOperators.VIEWER_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.SecuredHubTest;
import fr.referralhub.testing.TestCookies;
import fr.referralhub.testing.TestOperators;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The access rules of the hub as deployed (security on): who reaches the console, Jolokia, /actuator and /ops, and
 * that the partner API and the probes are not affected. Requests go over real HTTP to the running hub.
 */
@SecuredHubTest
@ExtendWith(OutputCaptureExtension.class)
class OperatorAccessTest {

    /** A partner's route an operator may stop from Hawtio. */
    private static final String PARTNER_ROUTE = "training-body-file-intake";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;
    @Autowired
    CamelContext camel;

    @Test
    void shouldRefuseConsoleJolokiaAndActuatorWithoutLogin() throws Exception {
        HttpResponse<String> console = send(request("/actuator/hawtio/").header("Accept", "text/html"));
        assertThat(console.statusCode()).as("a browser goes to the login form").isEqualTo(302);
        assertThat(console.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/login"));

        for (String path : new String[] {"/actuator/jolokia/version", "/actuator/hawtio/jolokia/version",
                "/actuator/prometheus", "/actuator/metrics", "/actuator/partners", "/ops/probe"}) {
            HttpResponse<String> response = send(request(path));
            assertThat(response.statusCode()).as(path).isEqualTo(401);
            assertProblem(response, "login-required");
            // No Basic challenge: a browser must never prompt for, and then silently resend, Basic credentials.
            assertThat(response.headers().firstValue("WWW-Authenticate")).as(path).isEmpty();
        }
        HttpResponse<String> exec = send(request("/actuator/jolokia").POST(json(exec(PARTNER_ROUTE, "stop()"))));
        // Neither credentials nor a CSRF token: refused by the CSRF check, before any login question.
        assertThat(exec.statusCode()).isEqualTo(403);
        assertProblem(exec, "csrf-token-required");
        assertThat(send(basic(request("/actuator/jolokia/version"), VIEWER, "wrong-password")).statusCode())
                .isEqualTo(401);
        assertThat(camel.getRouteController().getRouteStatus(PARTNER_ROUTE)).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void shouldLeaveProbesOpenButShowTheirDetailsToOperatorsOnly() throws Exception {
        for (String path : new String[] {"/actuator/health", "/actuator/health/liveness",
                "/actuator/health/readiness", "/actuator/info"}) {
            assertThat(send(request(path)).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(JSON.readTree(send(request("/actuator/health/readiness")).body()).has("components")).isFalse();

        JsonNode readiness = JSON.readTree(send(basic(request("/actuator/health/readiness"), VIEWER, VIEWER_PASSWORD))
                .body());
        assertThat(readiness.at("/components/kafka/status").asText()).isEqualTo("UP");
        assertThat(readiness.at("/components/schemaRegistry/status").asText()).isEqualTo("UP");
        assertThat(send(basic(request("/actuator/prometheus"), VIEWER, VIEWER_PASSWORD)).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldServeThePublishedContractsWithoutLogin() throws Exception {
        for (String path : new String[] {"/api/openapi.yaml", "/api/asyncapi.yaml",
                "/api/schemas/referrals.v1-value.avsc", "/api/schemas/orientation-1.xsd"}) {
            assertThat(send(request(path)).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(send(request("/actuator/prometheus")).statusCode()).as("metrics stay private").isEqualTo(401);
    }

    @Test
    void shouldLetAViewerReadButNotStopARoute(CapturedOutput logs) throws Exception {
        String reads = "[{\"type\":\"version\"},"
                + "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"},"
                + "{\"type\":\"read\",\"mbean\":\"" + mbean(PARTNER_ROUTE).replace("\"", "\\\"") + "\","
                + "\"attribute\":\"State\"},"
                + "{\"type\":\"list\",\"path\":\"org.apache.camel\"}]";
        HttpResponse<String> read = send(viewer("/actuator/jolokia").POST(json(reads)));
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        JsonNode answers = JSON.readTree(read.body());
        assertThat(answers).hasSize(4);
        answers.forEach(answer -> assertThat(answer.get("status").asInt()).as(answer.toString()).isEqualTo(200));
        assertThat(answers.get(2).get("value").asText()).isEqualTo("Started");
        assertThat(send(viewer("/actuator/jolokia/read/java.lang:type=Memory/HeapMemoryUsage")).statusCode())
                .isEqualTo(200);
        // The exec calls a VIEWER may send, which change nothing: Hawtio asking its RBAC registry for the JMX tree,
        // and the route definitions behind the route diagram.
        HttpResponse<String> rbac = send(viewer("/actuator/jolokia").POST(json(
                "{\"type\":\"exec\",\"mbean\":\"hawtio:type=security,name=RBACRegistry\",\"operation\":\"list()\"}")));
        // It reaches Jolokia. Jolokia's own status may be 404: the MBean is JVM-wide and a test context closed
        // earlier in this JVM unregisters it (a deployed hub runs one Hawtio).
        assertThat(rbac.statusCode()).as(rbac.body()).isEqualTo(200);
        assertThat(JSON.readTree(rbac.body()).get("status").asInt()).as(rbac.body()).isIn(200, 404);
        HttpResponse<String> definitions = send(viewer("/actuator/jolokia").POST(json(
                "{\"type\":\"exec\",\"mbean\":\"" + mbean(PARTNER_ROUTE).replace("\"", "\\\"")
                        + "\",\"operation\":\"dumpRouteAsXml()\"}")));
        assertJolokiaOk(definitions);
        assertThat(JSON.readTree(definitions.body()).get("value").asText()).contains(PARTNER_ROUTE);

        String stop = exec(PARTNER_ROUTE, "stop()");
        for (HttpRequest.Builder refused : new HttpRequest.Builder[] {
                viewer("/actuator/jolokia").POST(json(stop)),
                viewer("/actuator/hawtio/jolokia").POST(json(stop)),
                viewer("/actuator/jolokia").POST(json("[{\"type\":\"version\"}," + stop + "]")),
                // Same operation name as the allowed RBAC call, but on a Camel MBean: refused.
                viewer("/actuator/jolokia").POST(json(exec(PARTNER_ROUTE, "list()"))),
                viewer("/actuator/jolokia/exec/" + URLEncoder.encode(mbean(PARTNER_ROUTE), StandardCharsets.UTF_8)
                        + "/stop()"),
                viewer("/actuator/jolokia/?p=/exec/" + URLEncoder.encode(mbean(PARTNER_ROUTE), StandardCharsets.UTF_8)
                        + "/stop()"),
                viewer("/actuator/jolokia").POST(json("{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\","
                        + "\"attribute\":\"Verbose\",\"value\":true}"))}) {
            HttpResponse<String> response = send(refused);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
            assertProblem(response, "operator-required");
        }
        assertThat(camel.getRouteController().getRouteStatus(PARTNER_ROUTE)).isEqualTo(ServiceStatus.Started);
        assertThat(logs.getAll()).contains("needs OPERATOR").doesNotContain(VIEWER_PASSWORD);
    }

    @Test
    void shouldLetAnOperatorStopAndStartARouteWhileTheInstanceStaysLive() throws Exception {
        try {
            assertJolokiaOk(send(operator("/actuator/jolokia").POST(json(exec(PARTNER_ROUTE, "stop()")))));
            assertThat(camel.getRouteController().getRouteStatus(PARTNER_ROUTE)).isEqualTo(ServiceStatus.Stopped);

            // One partner's route stopped is an operator's decision, not a reason to restart or unroute the instance.
            assertThat(send(request("/actuator/health/liveness")).statusCode()).isEqualTo(200);
            assertThat(send(request("/actuator/health/readiness")).statusCode()).isEqualTo(200);

            assertJolokiaOk(send(operator("/actuator/jolokia").POST(json(exec(PARTNER_ROUTE, "start()")))));
            assertThat(camel.getRouteController().getRouteStatus(PARTNER_ROUTE)).isEqualTo(ServiceStatus.Started);
        } finally {
            // Other tests of this context (the browser) expect every route started.
            camel.getRouteController().startRoute(PARTNER_ROUTE);
        }
    }

    @Test
    void shouldApplyOpsRulesAndExposeTheCallerThroughTheServletApi() throws Exception {
        HttpResponse<String> viewerRead = send(viewer("/ops/probe"));
        assertThat(viewerRead.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(viewerRead.body())).isEqualTo(JSON.readTree(
                "{\"user\":\"vera-viewer\",\"viewer\":true,\"operator\":false}"));

        HttpResponse<String> viewerAct = send(viewer("/ops/probe").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(viewerAct.statusCode()).isEqualTo(403);
        assertProblem(viewerAct, "operator-required");

        HttpResponse<String> operatorAct = send(operator("/ops/probe").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(operatorAct.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(operatorAct.body())).isEqualTo(JSON.readTree(
                "{\"user\":\"oscar-operator\",\"viewer\":true,\"operator\":true}"));
    }

    @Test
    void shouldRefuseASessionPostWithoutItsCsrfToken() throws Exception {
        // A browser session: log in on the form (with the form's CSRF token), as a person does.
        // Its cookies are Secure: a jar that takes the test's plain HTTP for the HTTPS link they are made for.
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new TestCookies())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> form = browser.send(request("/login").build(), HttpResponse.BodyHandlers.ofString());
        Matcher token = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(form.body());
        assertThat(token.find()).as(form.body()).isTrue();
        HttpResponse<String> login = browser.send(request("/login")
                .setHeader("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + OPERATOR + "&password=" + OPERATOR_PASSWORD
                        + "&_csrf=" + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location").orElseThrow()).doesNotContain("error");
        assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(
                cookie -> assertThat(cookie).startsWith("JSESSIONID=").contains("SameSite=Strict"));

        // A POST riding on the session cookie alone (what a forged cross-site form would send) is refused...
        HttpResponse<String> forged = browser.send(request("/actuator/jolokia").POST(json("{\"type\":\"version\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertProblem(forged, "csrf-token-required");
        // ...while Hawtio's way, the XSRF-TOKEN cookie (set on any page of the session) echoed in a header, passes.
        HttpResponse<String> page = browser.send(request("/actuator/jolokia/version").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as("the session is logged in").isEqualTo(200);
        String xsrf = ((TestCookies) browser.cookieHandler().orElseThrow()).value("XSRF-TOKEN");
        assertThat(xsrf).isNotNull();
        HttpResponse<String> hawtioWay = browser.send(request("/actuator/jolokia").header("X-XSRF-TOKEN", xsrf)
                .POST(json("{\"type\":\"version\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(hawtioWay.statusCode()).as(hawtioWay.body()).isEqualTo(200);
    }

    @Test
    void shouldLeaveThePartnerApiToTheCamelRoutes() throws Exception {
        byte[] event = Samples.bytes("employment-agency/ft-orientation-mobili-jeune.json");

        HttpResponse<String> unknownKey = PartnerApi.post(port, event, "not-a-key");
        assertThat(unknownKey.statusCode()).isEqualTo(401);
        assertThat(unknownKey.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(unknownKey.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(unknownKey.headers().allValues("Set-Cookie")).isEmpty();

        HttpResponse<String> otherStructure = PartnerApi.post(port, event, PartnerApi.MISSION_LOCALE_MARSEILLE);
        assertThat(otherStructure.statusCode()).isEqualTo(403);

        // No login, no CSRF token: a partner with its key publishes.
        HttpResponse<String> accepted = PartnerApi.post(port, event);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        // The partner API's own chain (SecurityConfiguration#partnerApiSecurity) keeps the security headers and
        // creates no session, on an acceptance as on a refusal.
        for (HttpResponse<String> answer : List.of(unknownKey, otherStructure, accepted)) {
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).as("nosniff").contains("nosniff");
            assertThat(answer.headers().firstValue("X-Frame-Options")).contains("DENY");
            assertThat(answer.headers().firstValue("Cache-Control")).hasValueSatisfying(
                    cache -> assertThat(cache).contains("no-store"));
            assertThat(answer.headers().allValues("Set-Cookie")).as("no session, no XSRF cookie").isEmpty();
        }
    }

    private String mbean(String routeId) {
        return "org.apache.camel:context=" + camel.getManagementName() + ",type=routes,name=\"" + routeId + "\"";
    }

    private String exec(String routeId, String operation) {
        return "{\"type\":\"exec\",\"mbean\":\"" + mbean(routeId).replace("\"", "\\\"") + "\",\"operation\":\""
                + operation + "\"}";
    }

    private static void assertJolokiaOk(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("status").asInt()).as(response.body()).isEqualTo(200);
    }

    private static void assertProblem(HttpResponse<String> response, String type) throws IOException {
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                contentType -> assertThat(contentType).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).get("type").asText()).endsWith("/" + type);
    }

    private HttpRequest.Builder viewer(String path) {
        return basic(request(path), VIEWER, VIEWER_PASSWORD);
    }

    private HttpRequest.Builder operator(String path) {
        return basic(request(path), OPERATOR, OPERATOR_PASSWORD);
    }

    private static HttpRequest.Builder basic(HttpRequest.Builder request, String user, String password) {
        return TestOperators.basic(request, user, password);
    }

    private static HttpRequest.BodyPublisher json(String body) {
        return HttpRequest.BodyPublishers.ofString(body);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
