package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A referrer's cancellation needs a reason code (DOMAIN.md: mandatory for CANCELLED), on each channel a referrer
 * uses, on the whole hub: over HTTP a 422 problem+json naming {@code motif}; a landlord's XML ANNULATION without
 * {@code <motif>} is dead-lettered with that reason; a training body's file cannot cancel at all (its format only
 * creates), so a file with cancellation columns is refused whole instead of creating referrals. Nothing is published.
 */
@HubTest
class CancellationReasonFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LANDLORD_TOPIC = "intake.logis-hdf";

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Value("${hub.topics.referrals}")
    String referralsTopic;
    @Value("${hub.topics.dead-letters}")
    String deadLettersTopic;
    @Value("${hub.intake.file-drops.root}")
    Path dropsRoot;

    @Test
    void shouldRefuseAnHttpCancellationWithoutReasonCodeFieldByField() throws Exception {
        String creationId = "FT-CANCEL-REASON-" + UUID.randomUUID();
        HttpResponse<String> created = PartnerApi.post(port, Samples.text("employment-agency/ft-orientation-mobili-jeune.json")
                .replace("FT-93066-2026-11-000123", creationId));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);

        String sample = Samples.text("employment-agency/ft-orientation-annulee.json")
                .replace("FT-93066-2026-11-000123", creationId);
        for (String withoutReason : List.of(sample.replace("\"motif\": \"DOUBLON\",", ""),
                sample.replace("\"motif\": \"DOUBLON\"", "\"motif\": \"\""),
                sample.replace("\"motif\": \"DOUBLON\"", "\"motif\": null"))) {
            String cancellationId = "FT-CANCEL-REASON-" + UUID.randomUUID();
            HttpResponse<String> refused = PartnerApi.post(port,
                    withoutReason.replace("FT-93066-2026-11-000131", cancellationId));
            assertThat(refused.statusCode()).as(withoutReason + "\n" + refused.body()).isEqualTo(422);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = JSON.readTree(refused.body());
            assertThat(problem.get("errors").findValuesAsText("field")).containsExactly("motif");
            assertThat(publishedWith(cancellationId)).isEmpty();
        }
    }

    @Test
    void shouldDeadLetterALandlordsAnnulationWithoutMotif() throws Exception {
        String cancellationId = "HDF-LOGIS-NO-MOTIF-" + UUID.randomUUID();
        byte[] withoutMotif = """
                <?xml version="1.0" encoding="UTF-8"?>
                <orientation xmlns="urn:fr:hlm:orientation:1" version="1">
                  <identifiant>%s</identifiant>
                  <dateEmission>2026-11-21T09:00:00+01:00</dateEmission>
                  <nature>ANNULATION</nature>
                  <identifiantOrigine>HDF-LOGIS-2026-000871</identifiantOrigine>
                  <bailleur siren="457504694"/>
                </orientation>""".formatted(cancellationId).getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(LANDLORD_TOPIC, cancellationId, withoutMotif)).get();
        }

        ConsumerRecord<String, byte[]> deadLetter = await().atMost(Duration.ofSeconds(60)).until(() -> TopicReader
                .readToEnd(bootstrapServers, deadLettersTopic, r -> cancellationId.equals(r.key())
                        && LANDLORD_TOPIC.equals(TopicReader.header(r, "__connect.errors.topic"))), found -> !found.isEmpty())
                .get(0);
        assertThat(TopicReader.header(deadLetter, "__connect.errors.connector.name")).isEqualTo("social-landlord-intake");
        assertThat(TopicReader.header(deadLetter, DeadLetters.REASONS))
                .contains("orientation/motif is required for an ANNULATION");
        assertThat(publishedWith(cancellationId)).isEmpty();
    }

    @Test
    void shouldRefuseATrainingBodyFileThatTriesToCancel() throws Exception {
        String[] lines = Samples.text(TrainingBodyCsvReaderTest.SAMPLE).split("\n", 2);
        String cancelling = lines[0].strip() + ";type_evenement;motif\n"
                + lines[1].lines().filter(row -> !row.isBlank()).map(row -> row + ";ANNULATION;\n")
                .reduce("", String::concat);
        Path folder = dropsRoot.resolve("cfa-btp-lyon");
        String name = "cfa-btp-lyon-cancel-" + UUID.randomUUID() + ".csv";
        Path partial = folder.resolve(name + ".part");
        Files.createDirectories(folder);
        Files.writeString(partial, cancelling);
        Files.move(partial, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);

        Path report = folder.resolve("error").resolve(name + ".report.json");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(report));
        JsonNode json = JSON.readTree(report.toFile());
        assertThat(json.get("outcome").asText()).isEqualTo("REFUSED");
        assertThat(json.get("refusal").findValuesAsText("field")).containsExactly("type_evenement", "motif");
        assertThat(json.get("refusal").get(0).get("reason").asText()).contains("every row creates a referral");
    }

    private List<ConsumerRecord<String, byte[]>> publishedWith(String partnerEventId) {
        return TopicReader.readToEnd(bootstrapServers, referralsTopic,
                r -> partnerEventId.equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)));
    }
}
