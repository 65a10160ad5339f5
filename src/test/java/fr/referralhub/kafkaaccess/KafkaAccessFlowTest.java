package fr.referralhub.kafkaaccess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.avro.ReferralStatusChange;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.SaslClients;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.RecordHeaders;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * The whole hub with Kafka access on (its own context and broker: the embedded broker then opens the partners'
 * listener): a social landlord and a counselling service use their dev credentials (kafka-credentials-dev.yaml) on it,
 * as docs/partners.md and docs/services.md tell them, and the hub takes their records as before; neither reaches what
 * is not theirs, and nothing of what they tried reaches a service.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "hub.embedded.kafka.port=0",
        "hub.embedded.kafka.controller-port=0",
        "hub.embedded.kafka.partner-port=0",
        "hub.embedded.schema-registry.port=0",
        "hub.embedded.data-dir=${java.io.tmpdir}/referral-hub-kafka-access-test-${random.uuid}",
        "hub.intake.file-drops.root=target/kafka-access-test-file-drops",
        "camel.main.name=referral-hub-kafka-access",
        "hub.kafka-access.enabled=true"
})
@ActiveProfiles("dev")
class KafkaAccessFlowTest {

    private static final String SAMPLE_EVENT_ID = "FT-93066-2026-11-000123";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PARTNERS_PAGE = Path.of("docs/partners.md");
    /** hub.embedded.kafka.partner-port's default (application.yaml), which the docs give partners. */
    private static final int DOCUMENTED_PARTNER_PORT = 9094;

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String hubBootstrap;
    @Value("${hub.kafka-access.bootstrap-servers}")
    String partnersBootstrap;
    @Autowired
    SchemaRegistryProperties registry;
    @Autowired
    HubTopicProperties topics;
    @Autowired
    KafkaAccessProperties access;

    @Test
    void shouldTakeALandlordsRecordFromItsAuthenticatedProducerAndNothingElse() throws Exception {
        String identifiant = "HDF-LOGIS-" + UUID.randomUUID();
        String document = landlordDocument(identifiant);
        try (KafkaProducer<String, String> landlord = SaslClients.producer(partnersBootstrap, "logis-hdf",
                "dev-kafka-logis-hdf")) {
            landlord.send(new ProducerRecord<>("intake.logis-hdf", identifiant, document)).get();
            for (String forbidden : List.of(topics.referrals(), topics.intakeSubmissions(), "status.adil-93")) {
                assertThatThrownBy(() -> landlord.send(new ProducerRecord<>(forbidden, identifiant, document)).get())
                        .as(forbidden).hasRootCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
        awaitPublishedOnce(identifiant);
    }

    /**
     * docs/partners.md's client.properties, loaded as kafka-console-producer loads them: exactly those settings (the
     * dev landlord's login) publish a landlord's document. Only the address is this test's: its broker listens on a
     * free port, the embedded default on the documented one. Its kcat example uses the same protocol and mechanism,
     * with a dev principal's own password.
     */
    @Test
    void shouldTakeALandlordsRecordFromAProducerConfiguredAsThePartnersPageSays() throws Exception {
        Properties documented = SaslClients.documentedProperties(PARTNERS_PAGE);
        assertThat(documented.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG))
                .as("the embedded default's partners' listener").isEqualTo("localhost:" + DOCUMENTED_PARTNER_PORT);
        documented.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, partnersBootstrap);
        String identifiant = "HDF-LOGIS-" + UUID.randomUUID();
        try (KafkaProducer<String, String> landlord = new KafkaProducer<>(documented, new StringSerializer(),
                new StringSerializer())) {
            landlord.send(new ProducerRecord<>("intake.logis-hdf", identifiant, landlordDocument(identifiant))).get();
        }
        awaitPublishedOnce(identifiant);

        Map<String, String> kcat = SaslClients.documentedKcatSettings(PARTNERS_PAGE);
        assertThat(kcat).containsEntry("security.protocol",
                        documented.getProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG))
                .containsEntry("sasl.mechanisms", documented.getProperty(SaslConfigs.SASL_MECHANISM));
        assertThat(access.credentials()).containsEntry(kcat.get("sasl.username"), kcat.get("sasl.password"));
    }

    @Test
    void shouldTakeAServicesStatusFromItsAuthenticatedProducerAndKeepOthersTopicsClosed() throws Exception {
        var accepted = PartnerApi.post(port, Samples.text("employment-agency/ft-orientation-mobili-jeune.json")
                .replace(SAMPLE_EVENT_ID, "FT-ACCESS-" + UUID.randomUUID()));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String referralId = JSON.readTree(accepted.body()).get("referralId").asText();

        // adil-93 reads its referrals in a group of its own, logged in as docs/services.md's kcat example says, and
        // reports on its status topic.
        Map<String, String> kcat = SaslClients.documentedKcatSettings(Path.of("docs/services.md"));
        assertThat(kcat).containsEntry("sasl.username", "adil-93");
        try (KafkaConsumer<String, String> service = SaslClients.consumer(partnersBootstrap, kcat.get("sasl.username"),
                kcat.get("sasl.password"), "adil-93.referrals-" + UUID.randomUUID())) {
            service.subscribe(Set.of("counselling.adil-93"));
            await().atMost(Duration.ofSeconds(30)).until(() -> service.poll(Duration.ofMillis(500)).records(
                    "counselling.adil-93").iterator().hasNext());
        }
        String statusEventId = "adil93-access-" + UUID.randomUUID();
        try (KafkaProducer<String, String> service = SaslClients.producer(partnersBootstrap, "adil-93",
                "dev-kafka-adil-93")) {
            service.send(new ProducerRecord<>("status.adil-93", referralId, "{\"referralId\": \"" + referralId
                    + "\", \"statusEventId\": \"" + statusEventId + "\", \"status\": \"ACCEPTED\"}")).get();
            assertThatThrownBy(() -> service.send(new ProducerRecord<>("status.cllaj-lyon", referralId, "{}")).get())
                    .hasRootCauseInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaConsumer<String, String> snooping = SaslClients.consumer(partnersBootstrap, "adil-93",
                "dev-kafka-adil-93", "adil-93.snoop-" + UUID.randomUUID())) {
            snooping.subscribe(Set.of("counselling.cllaj-lyon"));
            assertThatThrownBy(() -> snooping.poll(Duration.ofSeconds(5)))
                    .isInstanceOf(TopicAuthorizationException.class);
        }

        AvroDeserializer avro = registry.specificDeserializer();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<ConsumerRecord<String, byte[]>> changes = TopicReader.readToEnd(hubBootstrap,
                    topics.referralStatusChanges(), r -> referralId.equals(r.key()));
            assertThat(changes).singleElement().satisfies(change -> assertThat(
                    ((ReferralStatusChange) avro.deserialize(topics.referralStatusChanges(), change.value()))
                            .getStatusEventId()).isEqualTo(statusEventId));
        });
    }

    private static String landlordDocument(String identifiant) {
        return Samples.text("social-landlord/logis-hdf-orientation-000871.xml")
                .replace("HDF-LOGIS-2026-000871", identifiant);
    }

    /** The landlord's document is published on referrals.v1, once. */
    private void awaitPublishedOnce(String identifiant) {
        await().atMost(Duration.ofSeconds(60)).until(() -> !TopicReader.readToEnd(hubBootstrap, topics.referrals(),
                r -> identifiant.equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID))).isEmpty());
        assertThat(TopicReader.readToEnd(hubBootstrap, topics.referrals(),
                r -> identifiant.equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)))).hasSize(1);
    }
}
