package fr.referralhub.intake;

import fr.referralhub.testing.PartnerApi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.kafka.DeadLetterCipher;
import fr.referralhub.embedded.EmbeddedKafkaBroker;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.SharedKafka;
import fr.referralhub.testing.TestOperators;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A partner never gets 202 for an event the broker did not acknowledge, gets its 503 within 2 s (at once while the
 * outage is known), and its retry is not taken for a duplicate;
 * a dropped file is not marked processed while the broker is down, and is processed once it is back.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "hub.embedded.schema-registry.port=0",
        // The broker address below comes from @DynamicPropertySource, which Spring applies after the embedded
        // platform has decided to start: keep the unused embedded broker off the default ports and out of ./data.
        "hub.embedded.kafka.port=0",
        "hub.embedded.kafka.controller-port=0",
        "hub.embedded.data-dir=${java.io.tmpdir}/referral-hub-broker-unavailable-${random.uuid}",
        "hub.pseudonymisation.secret=broker-unavailable-test-secret",
        "hub.dead-letters.encryption-key=" + DeadLetterCipher.DEVELOPMENT_KEY,
        "hub.intake.file-drops.root=" + BrokerUnavailableTest.DROPS,
        "spring.config.import=classpath:partners-dev.yaml",
        // Not the dev profile: operator login is on and needs an operator.
        "hub.security.users[0].name=" + TestOperators.OPERATOR,
        "hub.security.users[0].password-hash=" + TestOperators.OPERATOR_HASH,
        "hub.security.users[0].roles=OPERATOR"
})
@DirtiesContext
class BrokerUnavailableTest {

    static final String DROPS = "target/broker-unavailable-drops";

    /** A broker of this test's own, so it can be stopped without disturbing the other tests. */
    private static EmbeddedKafkaBroker broker;
    private static Path brokerDir;
    private static int brokerPort;
    private static int controllerPort;

    @LocalServerPort
    int port;

    /** How long a partner waits for the broker's acknowledgement before its 503. */
    @Value("${hub.kafka.outage.ack-timeout}")
    Duration ackTimeout;
    /** How long the producer may block on a broker it cannot reach: a 503 that waited for it came too late. */
    @Value("${camel.component.kafka.max-block-ms:5000}")
    long maxBlockMs;

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
        long sent = System.nanoTime();
        HttpResponse<String> response = post("FT-BROKER-DOWN-1");
        Duration firstAnswer = Duration.ofNanos(System.nanoTime() - sent);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        // The ack-timeout and some room for a loaded machine, but never the producer's whole max-block.
        assertThat(firstAnswer).as("503 once the broker has not acknowledged for hub.kafka.outage.ack-timeout")
                .isLessThan(ackTimeout.plusSeconds(2)).isLessThan(Duration.ofMillis(maxBlockMs));
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(new ObjectMapper().readTree(response.body()).get("type").asText()).endsWith("/hub-unavailable");

        // The outage is known now: the next partners get their 503 at once, without waiting on the producer; those
        // asking to be answered on receipt too (never a 202 for an event the broker does not hold).
        for (int i = 2; i <= 4; i++) {
            sent = System.nanoTime();
            String eventId = "FT-BROKER-DOWN-" + i;
            HttpResponse<String> next = i == 3 ? PartnerApi.postAnsweredOnReceipt(port, Samples.text(
                    "employment-agency/ft-orientation-emile.json").replace("FT-93048-2026-11-000877", eventId)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)) : post(eventId);
            assertThat(next.statusCode()).as(next.body()).isEqualTo(503);
            // Shorter than the ack-timeout: an answer that waited for an acknowledgement cannot be that fast.
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("503 while the outage is known")
                    .isLessThan(ackTimeout);
        }

        // The partner retries once the broker is back: the event is accepted and published, once (ALREADY_RECEIVED
        // when the producer wrote the first attempt after all, once the broker came back).
        broker = new EmbeddedKafkaBroker(brokerDir, "127.0.0.1", brokerPort, controllerPort);
        broker.start();
        AtomicReference<HttpResponse<String>> retried = new AtomicReference<>();
        await("the retry accepted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            retried.set(post("FT-BROKER-DOWN-1"));
            return retried.get().statusCode() != 503;
        });
        assertThat(retried.get().statusCode()).as(retried.get().body()).isEqualTo(202);
        assertThat(new ObjectMapper().readTree(retried.get().body()).get("status").asText())
                .isIn("ACCEPTED", "ALREADY_RECEIVED");
        assertThat(TopicReader.readToEnd(broker.bootstrapServers(), "referrals.v1",
                r -> "FT-BROKER-DOWN-1".equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)))).hasSize(1);
    }

    @Test
    void shouldLeaveADroppedFileInPlaceWhileTheBrokerIsDownAndProcessItOnceItIsBack() throws Exception {
        Path partnerFolder = Path.of(DROPS, "cfa-btp-lyon");
        String name = "broker-down-" + UUID.randomUUID() + ".csv";
        broker.close();
        Files.createDirectories(partnerFolder);
        Files.write(partnerFolder.resolve(name), Samples.bytes("training-body/cfa-btp-lyon-2026-11-18.csv"));

        // Long enough for several attempts (each fails within hub.kafka max-block / delivery timeouts): the file is
        // rolled back each time, never moved to done/ or error/.
        await().during(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(30)).until(() ->
                Files.exists(partnerFolder.resolve(name)) && !Files.exists(partnerFolder.resolve("done").resolve(name))
                        && !Files.exists(partnerFolder.resolve("error").resolve(name)));

        broker = new EmbeddedKafkaBroker(brokerDir, "127.0.0.1", brokerPort, controllerPort);
        broker.start();
        Path report = partnerFolder.resolve("done").resolve(name + ".report.json");
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(report));
        JsonNode counts = new ObjectMapper().readTree(report.toFile());
        assertThat(counts.get("rows").asInt()).isEqualTo(4);
        assertThat(counts.get("accepted").asInt() + counts.get("duplicates").asInt()).isEqualTo(3);
        assertThat(counts.get("rejected").asInt()).isEqualTo(1);
        assertThat(TopicReader.readToEnd(broker.bootstrapServers(), "referrals.v1",
                r -> "cfa-btp-lyon".equals(TopicReader.header(r, RecordHeaders.PARTNER_ID)))).hasSize(3);
    }

    private HttpResponse<String> post(String eventId) throws Exception {
        String event = Samples.text("employment-agency/ft-orientation-emile.json").replace("FT-93048-2026-11-000877", eventId);
        return PartnerApi.post(port, event);
    }
}
