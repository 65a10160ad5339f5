package fr.referralhub.intake;

import fr.referralhub.testing.PartnerApi;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.embedded.EmbeddedKafkaBroker;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.SharedKafka;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A partner never gets 202 for an event the broker did not acknowledge, and its retry is not taken for a duplicate. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "hub.embedded.schema-registry.port=0",
        "hub.pseudonymisation.secret=broker-unavailable-test-secret",
        "spring.config.import=classpath:partners-dev.yaml"
})
@DirtiesContext
class BrokerUnavailableTest {

    /** A broker of this test's own, so it can be stopped without disturbing the other tests. */
    private static EmbeddedKafkaBroker broker;
    private static Path brokerDir;
    private static int brokerPort;
    private static int controllerPort;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void ownBroker(DynamicPropertyRegistry registry) throws Exception {
        brokerDir = Files.createTempDirectory("broker-unavailable");
        brokerPort = SharedKafka.freePort();
        controllerPort = SharedKafka.freePort();
        broker = new EmbeddedKafkaBroker(brokerDir, "127.0.0.1", brokerPort, controllerPort);
        broker.start();
        registry.add("hub.kafka.bootstrap-servers", broker::bootstrapServers);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void shouldAnswer503AndNot202WhenTheBrokerIsDown() throws Exception {
        assertThat(post("FT-BROKER-UP-1").statusCode()).isEqualTo(202);

        broker.close();
        HttpResponse<String> response = post("FT-BROKER-DOWN-1");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(new ObjectMapper().readTree(response.body()).get("type").asText()).endsWith("/hub-unavailable");

        // The partner retries once the broker is back: the event is accepted and published, once.
        broker = new EmbeddedKafkaBroker(brokerDir, "127.0.0.1", brokerPort, controllerPort);
        broker.start();
        HttpResponse<String> retried = post("FT-BROKER-DOWN-1");
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
        assertThat(new ObjectMapper().readTree(retried.body()).get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(TopicReader.readToEnd(broker.bootstrapServers(), "referrals.v1",
                r -> "FT-BROKER-DOWN-1".equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)))).hasSize(1);
    }

    private HttpResponse<String> post(String eventId) throws Exception {
        String event = Samples.text("employment-agency/ft-orientation-emile.json").replace("FT-93048-2026-11-000877", eventId);
        return PartnerApi.post(port, event);
    }
}
