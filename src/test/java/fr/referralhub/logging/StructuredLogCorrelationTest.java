package fr.referralhub.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ClassPathResource;

/**
 * Production logs are JSON lines (ECS) in which a line logged while the hub processes a referral names the partner,
 * the partner's event and the referral: an operator finds everything about one referral with one query.
 */
@HubTest
class StructuredLogCorrelationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SAMPLE = "employment-agency/ft-orientation-mobili-jeune.json";
    private static final String SAMPLE_EVENT_ID = "FT-93066-2026-11-000123";

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Test
    void shouldLogJsonLinesCarryingThePartnerEventAndReferralIdsOfAnAcceptedEvent() throws Exception {
        String eventId = "FT-LOG-" + UUID.randomUUID();
        String referralId;
        List<JsonNode> lines;
        try (LogCapture capture = ecsCapture()) {
            var response = PartnerApi.post(port, Samples.text(SAMPLE).replace(SAMPLE_EVENT_ID, eventId));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            referralId = JSON.readTree(response.body()).get("referralId").asText();
            lines = json(capture);
        }

        JsonNode published = lines.stream()
                .filter(line -> line.path("message").asText().startsWith("Published partner event " + eventId))
                .findFirst().orElseThrow(() -> new AssertionError("no JSON line for " + eventId + " in " + lines));
        assertThat(field(published, "hub.partner-id")).isEqualTo("france-travail-93");
        assertThat(field(published, "hub.partner-event-id")).isEqualTo(eventId);
        assertThat(field(published, "hub.referral-id")).isEqualTo(referralId);
        assertThat(field(published, "camel.routeId")).isEqualTo("employment-agency-intake");
        assertThat(field(published, "log.level")).isEqualTo("INFO");
    }

    @Test
    void shouldNameThePartnerAndItsEventOnTheLineOfARefusal() throws Exception {
        String eventId = "FT-LOG-REFUSED-" + UUID.randomUUID();
        // A cancellation of a referral the hub never saw: read and valid, then refused (422) by the intake.
        String cancellation = Samples.text("employment-agency/ft-orientation-annulee.json")
                .replace("FT-93066-2026-11-000131", eventId)
                .replace(SAMPLE_EVENT_ID, "FT-LOG-NEVER-SENT-" + UUID.randomUUID());
        List<JsonNode> lines;
        try (LogCapture capture = ecsCapture()) {
            assertThat(PartnerApi.post(port, cancellation).statusCode()).isEqualTo(422);
            lines = json(capture);
        }

        JsonNode refused = lines.stream()
                .filter(line -> line.path("message").asText().startsWith("Refused partner event")
                        && eventId.equals(field(line, "hub.partner-event-id")))
                .findFirst().orElseThrow(() -> new AssertionError("no refusal line for " + eventId + " in " + lines));
        assertThat(field(refused, "hub.partner-id")).isEqualTo("france-travail-93");
        assertThat(field(refused, "hub.referral-id")).isNull();
    }

    @Test
    void shouldNameTheLandlordAndItsEventOnTheDeadLetterLineOfARecordRefusedInABatch() throws Exception {
        // Batch routes handle many records in one step: each record's lines must still name that record.
        String eventId = "HDF-LOG-" + UUID.randomUUID();
        byte[] cancellationOfUnknownReferral = """
                <?xml version="1.0" encoding="UTF-8"?>
                <orientation xmlns="urn:fr:hlm:orientation:1" version="1">
                  <identifiant>%s</identifiant>
                  <dateEmission>2026-11-21T09:00:00+01:00</dateEmission>
                  <nature>ANNULATION</nature>
                  <identifiantOrigine>HDF-LOG-NEVER-SENT</identifiantOrigine>
                  <motif>DOUBLON</motif>
                  <bailleur siren="457504694"/>
                </orientation>""".formatted(eventId).getBytes(StandardCharsets.UTF_8);
        try (LogCapture capture = ecsCapture();
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                     new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("intake.logis-hdf", eventId, cancellationOfUnknownReferral)).get();

            JsonNode deadLettered = await().atMost(Duration.ofSeconds(60)).until(() -> json(capture).stream()
                    .filter(line -> line.path("message").asText().startsWith("Dead-lettering record")
                            && eventId.equals(field(line, "hub.partner-event-id")))
                    .findFirst(), Optional::isPresent).orElseThrow();
            assertThat(field(deadLettered, "hub.partner-id")).isEqualTo("logis-hdf");
            assertThat(field(deadLettered, "camel.routeId")).isEqualTo("social-landlord-intake");
        }
    }

    @Test
    void shouldLogJsonOutsideTheDevProfileAndReadableLinesInIt() {
        assertThat(yaml("application.yaml").getProperty("logging.structured.format.console")).isEqualTo("ecs");
        assertThat(yaml("application-dev.yaml").getProperty("logging.structured.format.console")).isEmpty();
    }

    /** Spring Boot's own ECS encoder, as the console appender uses it outside the dev profile. */
    private static LogCapture ecsCapture() {
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setFormat("ecs");
        encoder.setCharset(StandardCharsets.UTF_8);
        return new LogCapture(encoder, Map.of());
    }

    private static List<JsonNode> json(LogCapture capture) {
        return capture.lines().stream().filter(line -> !line.isBlank()).map(line -> {
            try {
                return JSON.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
        }).toList();
    }

    /** A field by its dotted name, whether the formatter kept the name flat or nested it. */
    private static String field(JsonNode line, String name) {
        if (line.has(name)) {
            return line.get(name).asText();
        }
        JsonNode node = line;
        for (String part : name.split("\\.")) {
            node = node.path(part);
        }
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }

    private static java.util.Properties yaml(String resource) {
        YamlPropertiesFactoryBean factory = new YamlPropertiesFactoryBean();
        factory.setResources(new ClassPathResource(resource));
        return factory.getObject();
    }
}
