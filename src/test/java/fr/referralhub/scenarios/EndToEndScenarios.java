package fr.referralhub.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.avro.DecisionKind;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.EligibilityOutcome;
import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.Programme;
import fr.referralhub.avro.ProgrammeDecision;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The hub's end-to-end scenarios, written once and run on every platform it supports: the in-process broker and
 * registry ({@link EmbeddedPlatformScenariosTest}, always) and a Kafka container with Confluent's own Schema Registry
 * ({@link ContainerPlatformScenariosTest}, where Docker runs). A subclass only says how the platform is started;
 * the scenarios see nothing but the hub's configuration, as a deployment would.
 *
 * <p>Each scenario uses its own partner event ids and file names, so the scenarios can share a running hub with
 * other tests.
 */
abstract class EndToEndScenarios {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LANDLORD_TOPIC = "intake.logis-hdf";

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Autowired
    SchemaRegistryProperties registry;
    @Value("${hub.topics.referrals}")
    String referralsTopic;
    @Value("${hub.topics.eligibility-decisions}")
    String decisionsTopic;
    @Value("${hub.intake.file-drops.root}")
    Path dropsRoot;

    @Test
    void an_employment_agency_referral_is_published_pseudonymised_and_decided() throws Exception {
        String eventId = "E2E-HTTP-" + UUID.randomUUID();
        String body = Samples.text("employment-agency/ft-orientation-mobili-jeune.json")
                .replace("FT-93066-2026-11-000123", eventId);

        var answer = PartnerApi.post(port, body);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        String referralId = JSON.readTree(answer.body()).get("referralId").asText();
        ConsumerRecord<String, byte[]> published = awaitPublished(eventId);
        assertThat(new String(published.value(), StandardCharsets.ISO_8859_1))
                .as("no NIR in clear on the shared topic").doesNotContain("202049306615471");
        ReferralEvent referral = (ReferralEvent) decode(referralsTopic, published.value());
        assertThat(referral.getReferralId()).isEqualTo(referralId);
        assertThat(referral.getSource().getChannel()).isEqualTo(IntakeChannel.HTTP_JSON);
        assertThat(referral.getPerson().getPersonReference()).isEqualTo(published.key());

        EligibilityDecision decision = await().atMost(Duration.ofSeconds(60)).until(() ->
                decisionOf(referralId), Optional::isPresent).orElseThrow();
        assertThat(decision.getKind()).isEqualTo(DecisionKind.DECISION);
        assertThat(decision.getProgrammes()).filteredOn(p -> p.getProgramme() == Programme.MOBILI_JEUNE)
                .singleElement().extracting(ProgrammeDecision::getOutcome).isEqualTo(EligibilityOutcome.ELIGIBLE);
    }

    @Test
    void a_training_body_file_is_published_row_by_row_and_reported() throws Exception {
        String prefix = "E2E-CSV-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String csv = Samples.text("training-body/cfa-btp-lyon-2026-11-18.csv").replace("CFA-BTP-2026-", prefix);
        String name = "e2e-" + UUID.randomUUID() + ".csv";
        Path folder = dropsRoot.resolve("cfa-btp-lyon");
        Files.createDirectories(folder);
        Path partial = folder.resolve(name + ".part");
        Files.writeString(partial, csv, StandardCharsets.UTF_8);
        Files.move(partial, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);

        Path report = folder.resolve("done").resolve(name + ".report.json");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(report));
        JsonNode counts = JSON.readTree(report.toFile());
        assertThat(counts.get("accepted").asInt()).isEqualTo(3);
        assertThat(counts.get("rejected").asInt()).as("the spreadsheet-corrupted NIR").isEqualTo(1);
        for (String row : List.of("0042", "0043", "0045")) {
            ReferralEvent referral = (ReferralEvent) decode(referralsTopic, awaitPublished(prefix + row).value());
            assertThat(referral.getSource().getChannel()).isEqualTo(IntakeChannel.CSV_FILE);
        }
    }

    @Test
    void a_social_landlord_document_on_its_intake_topic_is_published() throws Exception {
        String documentId = "E2E-XML-" + UUID.randomUUID();
        String xml = Samples.text("social-landlord/logis-hdf-orientation-000871.xml")
                .replace("HDF-LOGIS-2026-000871", documentId);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(LANDLORD_TOPIC, documentId, xml.getBytes(StandardCharsets.UTF_8)))
                    .get();
        }

        ReferralEvent referral = (ReferralEvent) decode(referralsTopic, awaitPublished(documentId).value());
        assertThat(referral.getSource().getChannel()).isEqualTo(IntakeChannel.KAFKA_XML);
        assertThat(referral.getSource().getPartnerId()).isEqualTo("logis-hdf");
    }

    private ConsumerRecord<String, byte[]> awaitPublished(String partnerEventId) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> TopicReader.readToEnd(bootstrapServers, referralsTopic)
                .stream().filter(r -> partnerEventId.equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)))
                .toList(), records -> records.size() == 1).get(0);
    }

    private Optional<EligibilityDecision> decisionOf(String referralId) {
        return TopicReader.readToEnd(bootstrapServers, decisionsTopic).stream()
                .map(record -> (EligibilityDecision) decode(decisionsTopic, record.value()))
                .filter(decision -> decision.getReferralId().equals(referralId))
                .findFirst();
    }

    /** Decoded through the platform's registry, as any consumer of the topic would. */
    private Object decode(String topic, byte[] value) {
        try (AvroDeserializer deserializer = registry.specificDeserializer()) {
            return deserializer.deserialize(topic, value);
        }
    }
}
