package fr.referralhub.schemaregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.provenance.HubKafkaClients;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.NodeScript;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.RecordHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Interoperability with a client nobody on this project wrote: Confluent's official JS Schema Registry client and
 * Avro serdes ({@code @confluentinc/schemaregistry} from npm, with kafkajs), against the hub's embedded registry and
 * topics. Script: {@code src/test/js/confluent-interop.mjs}.
 */
@HubTest
class ConfluentJsClientInteropTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(90);

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Autowired
    SchemaRegistryProperties registry;
    @Value("${hub.topics.referrals}")
    String referralsTopic;
    @Autowired
    HubTopicProperties topics;
    @Autowired
    HubKafkaClients kafkaClients;
    @Value("${hub.topics.eligibility-decisions}")
    String decisionsTopic;

    @Test
    void shouldServeTheRegistryApiTheConfluentClientCalls() throws Exception {
        JsonNode result = node("registry", registry.url());

        assertThat(result.get("id1Again").asInt()).isEqualTo(result.get("id1").asInt());
        assertThat(result.get("id2").asInt()).isNotEqualTo(result.get("id1").asInt());
        assertThat(result.get("byIdSchema").asText()).isEqualTo("Probe");
        assertThat(result.get("latestVersion").asInt()).isEqualTo(2);
        assertThat(result.get("latestId").asInt()).isEqualTo(result.get("id2").asInt());
        assertThat(result.get("incompatible").isNull()).as("an incompatible schema must be refused").isFalse();
        assertThat(result.get("incompatible").get("status").asInt()).isEqualTo(409);
        assertThat(result.get("referralsSchemaName").asText()).isEqualTo("ReferralEvent");
    }

    @Test
    void shouldLetTheConfluentClientDecodeWhatTheHubWrote() throws Exception {
        HttpResponse<String> posted = PartnerApi.post(port, Samples.bytes("employment-agency/ft-orientation-mobili-jeune.json"));
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        String referralId = JSON.readTree(posted.body()).get("referralId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> TopicReader.readToEnd(bootstrapServers, decisionsTopic).stream()
                .anyMatch(r -> TopicReader.header(r, "hub.referral-id") != null
                        && referralId.equals(TopicReader.header(r, "hub.referral-id"))));
        int referrals = TopicReader.readToEnd(bootstrapServers, referralsTopic).size();
        int decisions = TopicReader.readToEnd(bootstrapServers, decisionsTopic).size();

        JsonNode decodedReferrals = node("decode", registry.url(), bootstrapServers, referralsTopic,
                String.valueOf(referrals));
        JsonNode decodedDecisions = node("decode", registry.url(), bootstrapServers, decisionsTopic,
                String.valueOf(decisions));

        JsonNode referral = find(decodedReferrals, "referralId", referralId);
        assertThat(referral.get("eventType").asText()).isEqualTo("CREATED");
        assertThat(referral.get("source").get("partnerEventId").asText()).isEqualTo("FT-93066-2026-11-000123");
        assertThat(referral.get("employment").get("contract").get("grossMonthlySalaryCents").asLong()).isEqualTo(140_000L);
        JsonNode decision = find(decodedDecisions, "referralId", referralId);
        assertThat(decision.get("programmes").findValuesAsText("programme")).contains("MOBILI_JEUNE", "VISALE");
        assertThat(decision.get("programmes").get(0).get("outcome").asText()).isEqualTo("ELIGIBLE");
    }

    @Test
    void shouldDecideAReferralTheConfluentClientWrote() throws Exception {
        String referralId = UUID.randomUUID().toString();
        // Encoded by Confluent's client for referrals.v1, with the headers the hub's intake gives a submission, on a
        // topic of the test's own: the referral state decides only what the hub wrote (fr.referralhub.provenance), so
        // the hub's own producer submits those bytes as they are, for a registered partner. The referral state
        // decodes them, publishes them and decides them.
        String encodedByJs = "js-interop-" + referralId;
        // The broker creates no topic on a producer's request: the test's own is made first.
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(java.util.List.of(new org.apache.kafka.clients.admin.NewTopic(encodedByJs, 1, (short) 1)))
                    .all().get();
        }
        JsonNode written = node("produce", registry.url(), bootstrapServers, referralsTopic, referralId,
                "js-person-" + referralId,
                encodedByJs);
        assertThat(written.get("schemaId").asInt()).isPositive();
        ConsumerRecord<String, byte[]> encoded = TopicReader.readToEnd(bootstrapServers, encodedByJs).get(0);
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders(encoded.headers().toArray());
        headers.remove(RecordHeaders.PARTNER_ID);
        headers.add(RecordHeaders.PARTNER_ID, "france-travail-93".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (Producer<String, byte[]> hub = kafkaClients.producer(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers), new StringSerializer(), new ByteArraySerializer())) {
            hub.send(new ProducerRecord<>(topics.intakeSubmissions(), null, encoded.key(), encoded.value(), headers))
                    .get();
        }

        AvroDeserializer avro = registry.specificDeserializer();
        EligibilityDecision decision = await().atMost(Duration.ofSeconds(30)).until(() -> TopicReader
                .readToEnd(bootstrapServers, decisionsTopic).stream()
                .map(r -> (EligibilityDecision) avro.deserialize(decisionsTopic, r.value()))
                .filter(d -> d.getReferralId().equals(referralId))
                .findFirst().orElse(null), java.util.Objects::nonNull);
        assertThat(decision.getPersonReference()).isEqualTo("js-person-" + referralId);
        assertThat(decision.getProgrammes()).isNotEmpty();
    }

    private static JsonNode node(String... args) throws Exception {
        NodeScript.Result run = NodeScript.run(NODE_TIMEOUT, "confluent-interop.mjs", args);
        assertThat(run.exitCode()).as("node confluent-interop.mjs %s\nstdout: %s\nstderr: %s", String.join(" ", args),
                run.stdout(), run.stderr()).isZero();
        return JSON.readTree(run.stdout());
    }

    private static JsonNode find(JsonNode decoded, String field, String value) {
        for (JsonNode record : decoded.get("records")) {
            if (value.equals(record.get("value").path(field).asText())) {
                return record.get("value");
            }
        }
        throw new AssertionError("No record with " + field + "=" + value + " decoded by the JS client: " + decoded);
    }
}
