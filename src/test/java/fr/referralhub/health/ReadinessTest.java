package fr.referralhub.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.embedded.EmbeddedSchemaRegistry;
import fr.referralhub.testing.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Readiness follows the schema registry: a hub whose registry stops answering is taken out of the traffic (503) but
 * stays live (200), and is ready again once the registry is back. The registry is this test's own, on the shared
 * broker, so stopping it disturbs no other test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // The registry address comes from @DynamicPropertySource, applied after the embedded platform has decided to
        // start: keep the unused embedded broker and registry off the default ports and out of ./data.
        "hub.embedded.kafka.port=0",
        "hub.embedded.kafka.controller-port=0",
        "hub.embedded.schema-registry.port=0",
        "hub.embedded.data-dir=${java.io.tmpdir}/referral-hub-readiness-${random.uuid}",
        "hub.intake.file-drops.root=target/readiness-test-file-drops",
        // Every probe checks again: the test waits on the state change, not on a cache.
        "hub.health.cache-for=0s"
})
@ActiveProfiles("dev")
@DirtiesContext
class ReadinessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOPIC = "_schemas-readiness-" + UUID.randomUUID();
    private static EmbeddedSchemaRegistry registry;
    private static int registryPort;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void ownRegistry(DynamicPropertyRegistry properties) {
        registryPort = SharedKafka.freePort();
        registry = new EmbeddedSchemaRegistry(SharedKafka.bootstrapServers(), TOPIC, "127.0.0.1", registryPort);
        registry.start();
        properties.add("hub.schema-registry.url", registry::url);
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void shouldBeUnreadyButLiveWhileTheRegistryIsDownAndReadyAgainOnceItIsBack() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(status("readiness")).isEqualTo(200));

        registry.close();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(status("readiness")).isEqualTo(503));
        JsonNode readiness = JSON.readTree(get("/actuator/health/readiness").body());
        assertThat(readiness.at("/components/schemaRegistry/status").asText()).isEqualTo("DOWN");
        assertThat(readiness.at("/components/kafka/status").asText()).isEqualTo("UP");
        // A registry outage must not make Kubernetes restart the instance (nor every instance at once).
        assertThat(status("liveness")).isEqualTo(200);

        registry = new EmbeddedSchemaRegistry(SharedKafka.bootstrapServers(), TOPIC, "127.0.0.1", registryPort);
        registry.start();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(status("readiness")).isEqualTo(200));
    }

    private int status(String group) throws Exception {
        return get("/actuator/health/" + group).statusCode();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
