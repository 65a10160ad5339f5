package fr.referralhub.embedded;

import static fr.referralhub.embedded.RegistryHttp.call;
import static fr.referralhub.embedded.RegistryHttp.canonical;
import static fr.referralhub.embedded.RegistryHttp.registration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.partners.PartnerRegistryProperties;
import fr.referralhub.provenance.RecordProvenance;
import fr.referralhub.schemaregistry.SchemaRegistryClient;
import fr.referralhub.testing.SharedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The hub's registry reads back only the records it signed: someone who can write on its topic (the embedded broker
 * takes anyone on the machine) can neither replace a schema under its id nor stop the next start with a record that
 * is no registry record. A topic written before the registry signed stops the start, unless the operator says to
 * adopt it: it is then read once as it is and written again signed.
 */
class EmbeddedSchemaRegistryProvenanceTest {

    private static final String USER = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"test\",\"fields\":["
            + "{\"name\":\"name\",\"type\":\"string\"}]}";
    private static final String USER_WITH_EMAIL = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"test\","
            + "\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
            + "{\"name\":\"email\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
    private static final String FORGED = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"test\",\"fields\":["
            + "{\"name\":\"iban\",\"type\":\"string\"}]}";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RecordProvenance hub = new RecordProvenance(
            "a key only hub instances derive".getBytes(StandardCharsets.UTF_8),
            new PartnerRegistry(new PartnerRegistryProperties(List.of())), meters);
    private final String topic = "_schemas-provenance-" + UUID.randomUUID();
    private final String subject = "subject-" + UUID.randomUUID() + "-value";

    @Test
    void shouldReadBackOnlyWhatItSignedWhateverElseIsWrittenOnItsTopic() {
        int id;
        try (EmbeddedSchemaRegistry before = signing()) {
            before.start();
            id = register(before, USER);
        }
        assertThat(refused()).as("its own records at start").isZero();

        // Another schema under the hub's id and version, and a record no registry could read (which alone stopped
        // the registry's start before it checked signatures).
        write(schemaKey(1), schemaValue(1, id, FORGED));
        write("not a registry key", "not a registry value");

        try (EmbeddedSchemaRegistry after = signing()) {
            after.start();
            assertThat(call(after, "GET", "/schemas/ids/" + id, null, null).json().get("schema").asText())
                    .isEqualTo(canonical(USER));
            assertThat(call(after, "GET", "/subjects/" + subject + "/versions", null, null).json()).hasToString("[1]");
        }
        assertThat(refused()).as("the two records it did not write").isEqualTo(2);
    }

    @Test
    void shouldAdoptATopicWrittenBeforeItSignedAndRefuseWhatIsWrittenThereAfter() {
        int first;
        int second;
        try (EmbeddedSchemaRegistry unsigned = new EmbeddedSchemaRegistry(SharedKafka.bootstrapServers(), topic,
                "127.0.0.1", 0)) {
            unsigned.start();
            first = register(unsigned, USER);
            second = register(unsigned, USER_WITH_EMAIL);
            call(unsigned, "PUT", "/config/" + subject, "{\"compatibility\":\"NONE\"}", SchemaRegistryClient.CONTENT_TYPE);
        }

        try (EmbeddedSchemaRegistry notAdopting = signing(false)) {
            assertThatThrownBy(notAdopting::start).hasMessageContaining("none signed by the hub")
                    .hasMessageContaining("EMBEDDED_SCHEMA_REGISTRY_ADOPT_UNSIGNED=true");
        }
        try (EmbeddedSchemaRegistry upgraded = signing(true)) {
            upgraded.start();
            assertServesWhatWasRegistered(upgraded, first, second);
        }
        assertThat(refused()).as("a topic with no signed record is adopted or stops the start, never refused").isZero();

        write(schemaKey(3), schemaValue(3, second + 1, FORGED));

        try (EmbeddedSchemaRegistry restarted = signing()) {
            restarted.start();
            assertServesWhatWasRegistered(restarted, first, second);
            // The id the refused record names may be in records of the hub's topics: never another schema's.
            assertThat(register(restarted, FORGED)).isGreaterThan(second + 1);
        }
        assertThat(refused()).as("the record written after adoption; the unsigned ones rewritten signed are not")
                .isEqualTo(1);
    }

    private void assertServesWhatWasRegistered(EmbeddedSchemaRegistry registry, int first, int second) {
        assertThat(call(registry, "GET", "/subjects/" + subject + "/versions", null, null).json()).hasToString("[1,2]");
        assertThat(call(registry, "GET", "/schemas/ids/" + first, null, null).json().get("schema").asText())
                .isEqualTo(canonical(USER));
        assertThat(call(registry, "GET", "/schemas/ids/" + second, null, null).json().get("schema").asText())
                .isEqualTo(canonical(USER_WITH_EMAIL));
        assertThat(call(registry, "GET", "/config/" + subject, null, null).json())
                .hasToString("{\"compatibilityLevel\":\"NONE\"}");
    }

    private EmbeddedSchemaRegistry signing() {
        return signing(false);
    }

    private EmbeddedSchemaRegistry signing(boolean adoptUnsigned) {
        return new EmbeddedSchemaRegistry(KafkaConnection.plaintext(SharedKafka.bootstrapServers()), topic,
                "127.0.0.1", 0, null, hub, adoptUnsigned);
    }

    private int register(EmbeddedSchemaRegistry registry, String schema) {
        return call(registry, "POST", "/subjects/" + subject + "/versions", registration(schema),
                SchemaRegistryClient.CONTENT_TYPE).json().get("id").asInt();
    }

    private String schemaKey(int version) {
        return "{\"keytype\":\"SCHEMA\",\"subject\":\"" + subject + "\",\"version\":" + version + ",\"magic\":1}";
    }

    private String schemaValue(int version, int id, String schema) {
        return JSON.createObjectNode().put("subject", subject).put("version", version).put("id", id)
                .put("schema", schema).put("deleted", false).toString();
    }

    /** What anyone with a Kafka client can do on the embedded broker. */
    private void write(String key, String value) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, key, value)).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private double refused() {
        return meters.counter(RecordProvenance.REFUSED_METRIC, "consumer", "schema-registry").count();
    }
}
