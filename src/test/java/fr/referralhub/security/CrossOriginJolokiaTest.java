package fr.referralhub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.testing.HubTest;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dev profile has no login, so before issue 18 any web page a developer opened could drive Jolokia with a
 * {@code text/plain} POST (no CORS preflight). Now the Origin is checked in every profile: a foreign one is refused,
 * as is a request the browser marks cross-site; the hub's own pages (Hawtio) and scripts without an Origin still work,
 * and even then nobody gets the host (the Jolokia policy holds in dev too).
 */
@HubTest
class CrossOriginJolokiaTest {

    private static final String PARTNER_ROUTE = "training-body-file-intake";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;
    @Autowired
    CamelContext camel;

    @Test
    void shouldRefuseACrossOriginJolokiaPostInTheDevProfile() throws Exception {
        String stop = "{\"type\":\"exec\",\"mbean\":\"" + routeMBean().replace("\"", "\\\"")
                + "\",\"operation\":\"stop()\"}";
        // What a page on another site can send without a preflight: a text/plain POST with its Origin.
        HttpResponse<String> foreign = send(request("/actuator/jolokia").header("Content-Type", "text/plain")
                .header("Origin", "https://attacker.example").POST(HttpRequest.BodyPublishers.ofString(stop)));
        assertRefused(foreign);
        HttpResponse<String> viaHawtio = send(request("/actuator/hawtio/jolokia").header("Content-Type", "text/plain")
                .header("Origin", "http://localhost:1").POST(HttpRequest.BodyPublishers.ofString(stop)));
        assertRefused(viaHawtio);
        HttpResponse<String> sandboxed = send(request("/actuator/jolokia").header("Origin", "null")
                .POST(HttpRequest.BodyPublishers.ofString(stop)));
        assertRefused(sandboxed);
        // A GET from an image tag carries no Origin, but the browser says where it comes from.
        HttpResponse<String> image = send(request("/actuator/jolokia/read/java.lang:type=Memory/HeapMemoryUsage")
                .header("Sec-Fetch-Site", "cross-site"));
        assertRefused(image);
        // The preflight of a cross-origin fetch with JSON.
        HttpResponse<String> preflight = send(request("/actuator/jolokia").header("Origin", "https://attacker.example")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(preflight.statusCode()).isEqualTo(403);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        // Any other state-changing request from a foreign origin too.
        HttpResponse<String> ops = send(request("/ops/dead-letters/0-0/replay").header("Origin", "https://attacker.example")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertRefused(ops);
        assertThat(camel.getRouteController().getRouteStatus(PARTNER_ROUTE)).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void shouldServeTheHubsOwnPagesAndScripts() throws Exception {
        String version = "{\"type\":\"version\"}";
        HttpResponse<String> sameOrigin = send(request("/actuator/jolokia").header("Origin", "http://localhost:" + port)
                .header("Sec-Fetch-Site", "same-origin").POST(HttpRequest.BodyPublishers.ofString(version)));
        assertThat(sameOrigin.statusCode()).as(sameOrigin.body()).isEqualTo(200);
        HttpResponse<String> script = send(request("/actuator/jolokia").POST(HttpRequest.BodyPublishers.ofString(version)));
        assertThat(script.statusCode()).as(script.body()).isEqualTo(200);
    }

    @Test
    void shouldRefuseWhatGivesTheHostEvenWithoutLogin() throws Exception {
        String send = "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\","
                + "\"operation\":\"dumpHeap(java.lang.String,boolean)\",\"arguments\":[\"dev-heap.hprof\",true]}";
        HttpResponse<String> dump = send(request("/actuator/jolokia").header("Origin", "http://localhost:" + port)
                .POST(HttpRequest.BodyPublishers.ofString(send)));
        assertThat(dump.statusCode()).as(dump.body()).isEqualTo(403);
        assertThat(JSON.readTree(dump.body()).get("type").asText()).endsWith("/jolokia-operation-denied");
        assertThat(java.nio.file.Path.of("dev-heap.hprof")).doesNotExist();
    }

    private static void assertRefused(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).get("type").asText()).endsWith("/cross-origin-refused");
    }

    private String routeMBean() {
        return "org.apache.camel:context=" + camel.getManagementName() + ",type=routes,name=\"" + PARTNER_ROUTE + "\"";
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
