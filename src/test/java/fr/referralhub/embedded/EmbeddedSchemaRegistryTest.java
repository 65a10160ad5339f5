package fr.referralhub.embedded;

import static fr.referralhub.embedded.RegistryHttp.assertError;
import static fr.referralhub.embedded.RegistryHttp.canonical;
import static fr.referralhub.embedded.RegistryHttp.json;
import static fr.referralhub.embedded.RegistryHttp.registration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.embedded.RegistryHttp.Answer;
import fr.referralhub.schemaregistry.SchemaRegistryClient;
import fr.referralhub.testing.SharedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedSchemaRegistryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String USER = record("{\"name\":\"name\",\"type\":\"string\"}");
    private static final String USER_WITH_OPTIONAL_EMAIL = record("{\"name\":\"name\",\"type\":\"string\"}",
            "{\"name\":\"email\",\"type\":[\"null\",\"string\"],\"default\":null}");
    private static final String USER_WITH_REQUIRED_AGE = record("{\"name\":\"name\",\"type\":\"string\"}",
            "{\"name\":\"age\",\"type\":\"int\"}");

    private static final String TOPIC = "_schemas-" + UUID.randomUUID();
    private static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void startRegistry() {
        registry = new EmbeddedSchemaRegistry(SharedKafka.bootstrapServers(), TOPIC, "127.0.0.1", 0);
        registry.start();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void shouldAnswerTheSameIdWithoutANewVersionWhenTheSameSchemaIsRegisteredAgain() {
        String subject = uniqueSubject();
        Answer first = register(subject, USER);
        // Same schema, other formatting: the registry compares canonical forms.
        Answer second = register(subject, USER.replace(",", ", "));

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.json().get("id").asInt()).isEqualTo(first.json().get("id").asInt());
        assertThat(call("GET", "/subjects/" + subject + "/versions").json()).hasToString("[1]");
    }

    @Test
    void shouldReuseTheGlobalIdOfASchemaRegisteredUnderAnotherSubject() {
        int id = register(uniqueSubject(), USER).json().get("id").asInt();

        assertThat(register(uniqueSubject(), USER).json().get("id").asInt()).isEqualTo(id);
        assertThat(register(uniqueSubject(), USER_WITH_OPTIONAL_EMAIL).json().get("id").asInt()).isNotEqualTo(id);
    }

    @Test
    void shouldLookUpARegisteredSchemaAndTellAnUnknownSchemaFromAnUnknownSubject() {
        String subject = uniqueSubject();
        int id = register(subject, USER).json().get("id").asInt();

        Answer found = call("POST", "/subjects/" + subject, registration(USER));
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().get("subject").asText()).isEqualTo(subject);
        assertThat(found.json().get("version").asInt()).isEqualTo(1);
        assertThat(found.json().get("id").asInt()).isEqualTo(id);
        assertThat(found.json().get("schema").asText()).isEqualTo(canonical(USER));

        assertError(call("POST", "/subjects/" + subject, registration(USER_WITH_OPTIONAL_EMAIL)), 404, 40403);
        assertError(call("POST", "/subjects/" + uniqueSubject(), registration(USER)), 404, 40401);
    }

    @Test
    void shouldRefuseUnderBackwardANewFieldWithoutDefaultAndAcceptAnOptionalOne() {
        String subject = uniqueSubject();
        register(subject, USER);

        Answer check = call("POST", "/compatibility/subjects/" + subject + "/versions/latest?verbose=true",
                registration(USER_WITH_REQUIRED_AGE));
        assertThat(check.json().get("is_compatible").asBoolean()).isFalse();
        assertThat(check.json().get("messages").get(0).asText()).contains("READER_FIELD_MISSING_DEFAULT_VALUE", "age");

        Answer refused = register(subject, USER_WITH_REQUIRED_AGE);
        assertError(refused, 409, 409);
        assertThat(refused.json().get("message").asText()).contains("incompatible", "BACKWARD");

        Answer accepted = register(subject, USER_WITH_OPTIONAL_EMAIL);
        assertThat(accepted.status()).isEqualTo(200);
        assertThat(call("GET", "/subjects/" + subject + "/versions").json()).hasToString("[1,2]");
        assertThat(call("POST", "/compatibility/subjects/" + subject + "/versions/1", registration(USER_WITH_OPTIONAL_EMAIL))
                .json()).hasToString("{\"is_compatible\":true}");
    }

    @Test
    void shouldAcceptAnyChangeUnderNone() {
        String subject = uniqueSubject();
        call("PUT", "/config/" + subject, "{\"compatibility\":\"NONE\"}");
        register(subject, USER);

        assertThat(register(subject, USER_WITH_REQUIRED_AGE).status()).isEqualTo(200);
        assertThat(register(subject, record("{\"name\":\"name\",\"type\":\"long\"}")).status()).isEqualTo(200);
        assertThat(call("GET", "/subjects/" + subject + "/versions").json()).hasToString("[1,2,3]");
    }

    @Test
    void shouldAnswer40408ForASubjectWithoutItsOwnCompatibilityUntilOneIsSet() {
        String subject = uniqueSubject();
        assertError(call("GET", "/config/" + subject), 404, 40408);
        assertThat(call("GET", "/config/" + subject + "?defaultToGlobal=true").json())
                .hasToString("{\"compatibilityLevel\":\"BACKWARD\"}");

        Answer set = call("PUT", "/config/" + subject, "{\"compatibility\":\"FULL_TRANSITIVE\"}");

        assertThat(set.json()).hasToString("{\"compatibility\":\"FULL_TRANSITIVE\"}");
        assertThat(call("GET", "/config/" + subject).json()).hasToString("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
        assertThat(call("GET", "/config").json()).hasToString("{\"compatibilityLevel\":\"BACKWARD\"}");
        assertError(call("PUT", "/config/" + subject, "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
    }

    @Test
    void shouldServeSchemasByIdAndSubjectVersions() {
        String subject = uniqueSubject();
        int id = register(subject, USER_WITH_OPTIONAL_EMAIL).json().get("id").asInt();

        // An Avro schema comes without schemaType, as Confluent answers it.
        assertThat(call("GET", "/schemas/ids/" + id).json())
                .isEqualTo(JSON.createObjectNode().put("schema", canonical(USER_WITH_OPTIONAL_EMAIL)));
        assertThat(call("GET", "/schemas/ids/" + id + "/versions").json().toString())
                .contains("{\"subject\":\"" + subject + "\",\"version\":1}");
        assertThat(call("GET", "/subjects/" + subject + "/versions/latest").json().get("id").asInt()).isEqualTo(id);
        assertThat(call("GET", "/subjects/" + subject + "/versions/1/schema").json())
                .isEqualTo(json(canonical(USER_WITH_OPTIONAL_EMAIL)));
        assertThat(call("GET", "/subjects").json().toString()).contains("\"" + subject + "\"");
        assertError(call("GET", "/schemas/ids/999999"), 404, 40403);
        assertError(call("GET", "/subjects/" + subject + "/versions/7"), 404, 40402);
        assertError(call("GET", "/subjects/" + subject + "/versions/first"), 422, 42202);
    }

    @Test
    void shouldRefuseInvalidAvroAndOtherSchemaTypesWith42201() {
        Answer invalid = call("POST", "/subjects/" + uniqueSubject() + "/versions", registration("{\"type\":\"record\"}"));
        assertError(invalid, 422, 42201);
        assertThat(invalid.json().get("message").asText()).contains("No name in schema");

        Answer json = call("POST", "/subjects/" + uniqueSubject() + "/versions",
                "{\"schemaType\":\"JSON\",\"schema\":\"{\\\"type\\\":\\\"object\\\"}\"}");
        assertError(json, 422, 42201);
        assertThat(json.json().get("message").asText()).contains("AVRO only");
    }

    @Test
    void shouldAnswer404ToAssociationsAndUnknownPathsAndEmptyJsonToTheRoot() {
        assertError(call("GET", "/associations/subjects/orders-value"), 404, 404);
        assertError(call("GET", "/no/such/endpoint"), 404, 404);
        assertThat(call("GET", "/").json()).hasToString("{}");
    }

    @Test
    void shouldAcceptConfluentAndPlainJsonContentTypesOnly() {
        String subject = uniqueSubject();
        assertThat(call("POST", "/subjects/" + subject + "/versions", registration(USER), "application/json").status())
                .isEqualTo(200);
        assertThat(call("POST", "/subjects/" + subject + "/versions", registration(USER),
                "application/vnd.schemaregistry+json; charset=utf-8").status()).isEqualTo(200);
        assertError(call("POST", "/subjects/" + subject + "/versions", registration(USER), "text/plain"), 415, 415);
    }

    @Test
    void shouldKeepIdsOfASoftDeletedSubject() {
        String subject = uniqueSubject();
        int id = register(subject, USER).json().get("id").asInt();

        assertThat(call("DELETE", "/subjects/" + subject).json()).hasToString("[1]");

        assertError(call("GET", "/subjects/" + subject + "/versions"), 404, 40401);
        assertThat(call("GET", "/subjects").json().toString()).doesNotContain("\"" + subject + "\"");
        assertThat(call("GET", "/schemas/ids/" + id).status()).isEqualTo(200);
        assertThat(register(subject, USER).json().get("id").asInt()).isEqualTo(id);
        assertThat(call("GET", "/subjects/" + subject + "/versions").json()).hasToString("[2]");
    }

    @Test
    void shouldStoreConfluentRecordsInACompactedTopic() throws Exception {
        String subject = uniqueSubject();
        int id = register(subject, USER).json().get("id").asInt();
        String expectedKey = "{\"keytype\":\"SCHEMA\",\"subject\":\"" + subject + "\",\"version\":1,\"magic\":1}";

        List<ConsumerRecord<String, String>> records = readTopic(TOPIC, expectedKey);

        ConsumerRecord<String, String> record = records.stream().filter(r -> r.key().equals(expectedKey)).findFirst().orElseThrow();
        assertThat(JSON.readTree(record.value())).isEqualTo(JSON.createObjectNode()
                .put("subject", subject).put("version", 1).put("id", id).put("schema", canonical(USER)).put("deleted", false));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
            assertThat(admin.describeConfigs(List.of(topic)).all().get().get(topic).get("cleanup.policy").value())
                    .isEqualTo("compact");
            assertThat(admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions()).hasSize(1);
        }
    }

    @Test
    void shouldKeepIdsVersionsAndSettingsAcrossARestart() {
        String topic = "_schemas-restart-" + UUID.randomUUID();
        String subject = uniqueSubject();
        int firstId;
        int secondId;
        try (EmbeddedSchemaRegistry before = new EmbeddedSchemaRegistry(SharedKafka.bootstrapServers(), topic, "127.0.0.1", 0)) {
            before.start();
            firstId = register(before, subject, USER).json().get("id").asInt();
            secondId = register(before, subject, USER_WITH_OPTIONAL_EMAIL).json().get("id").asInt();
            call(before, "PUT", "/config/" + subject, "{\"compatibility\":\"NONE\"}", SchemaRegistryClient.CONTENT_TYPE);
        }

        try (EmbeddedSchemaRegistry after = new EmbeddedSchemaRegistry(SharedKafka.bootstrapServers(), topic, "127.0.0.1", 0)) {
            after.start();
            assertThat(call(after, "GET", "/subjects/" + subject + "/versions", null, null).json()).hasToString("[1,2]");
            assertThat(call(after, "GET", "/subjects/" + subject + "/versions/2", null, null).json().get("id").asInt())
                    .isEqualTo(secondId);
            assertThat(register(after, subject, USER).json().get("id").asInt()).isEqualTo(firstId);
            assertThat(call(after, "GET", "/config/" + subject, null, null).json())
                    .hasToString("{\"compatibilityLevel\":\"NONE\"}");
            // A new schema gets a fresh id: the restarted registry knows which ids are taken.
            assertThat(register(after, subject, USER_WITH_REQUIRED_AGE).json().get("id").asInt()).isEqualTo(secondId + 1);
            assertThat(call(after, "GET", "/subjects/" + subject + "/versions", null, null).json()).hasToString("[1,2,3]");
        }
    }

    // ---- helpers ----

    private static String record(String... fields) {
        return "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"test\",\"fields\":[" + String.join(",", fields) + "]}";
    }

    private static String uniqueSubject() {
        return "subject-" + UUID.randomUUID() + "-value";
    }

    private static Answer register(String subject, String schema) {
        return register(registry, subject, schema);
    }

    private static Answer register(EmbeddedSchemaRegistry target, String subject, String schema) {
        return call(target, "POST", "/subjects/" + subject + "/versions", registration(schema), SchemaRegistryClient.CONTENT_TYPE);
    }

    private static Answer call(String method, String path) {
        return call(registry, method, path, null, null);
    }

    private static Answer call(String method, String path, String body) {
        return call(registry, method, path, body, SchemaRegistryClient.CONTENT_TYPE);
    }

    private static Answer call(String method, String path, String body, String contentType) {
        return call(registry, method, path, body, contentType);
    }

    private static Answer call(EmbeddedSchemaRegistry target, String method, String path, String body, String contentType) {
        return RegistryHttp.call(target, method, path, body, contentType);
    }

    private static List<ConsumerRecord<String, String>> readTopic(String topic, String untilKey) {
        TopicPartition partition = new TopicPartition(topic, 0);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return records.stream().anyMatch(r -> r.key().equals(untilKey));
            });
        }
        return records;
    }
}
