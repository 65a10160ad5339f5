package fr.referralhub.embedded;

import static fr.referralhub.embedded.RegistryHttp.assertError;
import static fr.referralhub.embedded.RegistryHttp.canonical;
import static fr.referralhub.embedded.RegistryHttp.json;
import static fr.referralhub.embedded.RegistryHttp.registration;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.referralhub.embedded.RegistryHttp.Answer;
import fr.referralhub.schemaregistry.SchemaRegistryClient;
import fr.referralhub.testing.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The parts of Confluent's REST API beyond registering and reading: soft and permanent deletes with their order rules,
 * {@code ?deleted=true}, schema references, modes, {@code DELETE /config}, the read-only listings and 405s. Status
 * and error codes are Confluent's ({@code io.confluent.kafka.schemaregistry.rest.exceptions.Errors}).
 */
class EmbeddedSchemaRegistryConfluentApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String USER = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"test\",\"fields\":["
            + "{\"name\":\"name\",\"type\":\"string\"}]}";
    private static final String USER_WITH_OPTIONAL_EMAIL = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"test\","
            + "\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
            + "{\"name\":\"email\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
    private static final String ADDRESS = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"common\","
            + "\"fields\":[{\"name\":\"commune\",\"type\":\"string\"}]}";
    /** Names common.Address without defining it: the type comes from a reference. */
    private static final String PERSON = "{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"test\","
            + "\"fields\":[{\"name\":\"home\",\"type\":\"common.Address\"}]}";
    /** The same Person with Address copied in, as a client that resolved the reference itself would send it. */
    private static final String PERSON_INLINED = "{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"test\","
            + "\"fields\":[{\"name\":\"home\",\"type\":" + ADDRESS + "}]}";

    private static final String SUBJECT_PREFIX = "api-" + UUID.randomUUID() + "-";
    private static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void startRegistry() {
        registry = new EmbeddedSchemaRegistry(SharedKafka.bootstrapServers(), "_schemas-" + UUID.randomUUID(),
                "127.0.0.1", 0);
        registry.start();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void shouldDeleteAVersionSoftlyThenPermanentlyInConfluentsOrder() {
        String subject = uniqueSubject();
        String second = uniqueUserVersion();
        register(subject, USER);
        int id2 = register(subject, second).json().get("id").asInt();

        assertError(call("DELETE", "/subjects/" + subject + "/versions/2?permanent=true"), 404, 40407);
        assertThat(call("DELETE", "/subjects/" + subject + "/versions/2").json()).hasToString("2");
        assertError(call("DELETE", "/subjects/" + subject + "/versions/2"), 404, 40406);

        assertThat(call("GET", "/subjects/" + subject + "/versions").json()).hasToString("[1]");
        assertThat(call("GET", "/subjects/" + subject + "/versions?deleted=true").json()).hasToString("[1,2]");
        assertError(call("GET", "/subjects/" + subject + "/versions/2"), 404, 40402);
        assertThat(call("GET", "/subjects/" + subject + "/versions/2?deleted=true").json().get("id").asInt()).isEqualTo(id2);
        assertError(call("POST", "/subjects/" + subject, registration(second)), 404, 40403);
        assertThat(call("POST", "/subjects/" + subject + "?deleted=true", registration(second))
                .json().get("version").asInt()).isEqualTo(2);
        // A soft delete keeps the id resolvable: records written with it still decode. A permanent one does not.
        assertThat(call("GET", "/schemas/ids/" + id2).status()).isEqualTo(200);

        assertThat(call("DELETE", "/subjects/" + subject + "/versions/2?permanent=true").json()).hasToString("2");
        assertError(call("GET", "/subjects/" + subject + "/versions/2?deleted=true"), 404, 40402);
        assertError(call("GET", "/schemas/ids/" + id2), 404, 40403);
        assertError(call("DELETE", "/subjects/" + subject + "/versions/9"), 404, 40402);
        assertError(call("DELETE", "/subjects/" + uniqueSubject() + "/versions/1"), 404, 40401);
        assertError(call("DELETE", "/subjects/" + subject + "/versions/first"), 422, 42202);
    }

    @Test
    void shouldDeleteASubjectSoftlyThenPermanentlyWithItsSettings() {
        String subject = uniqueSubject();
        register(subject, USER);
        call("PUT", "/config/" + subject, "{\"compatibility\":\"NONE\"}");

        assertError(call("DELETE", "/subjects/" + subject + "?permanent=true"), 404, 40405);
        assertThat(call("DELETE", "/subjects/" + subject).json()).hasToString("[1]");
        assertError(call("DELETE", "/subjects/" + subject), 404, 40404);
        assertThat(call("GET", "/subjects").json().toString()).doesNotContain(subject);
        assertThat(call("GET", "/subjects?deleted=true").json().toString()).contains(subject);
        assertThat(call("GET", "/subjects?deletedOnly=true").json().toString()).contains(subject);

        assertThat(call("DELETE", "/subjects/" + subject + "?permanent=true").json()).hasToString("[1]");
        assertThat(call("GET", "/subjects?deleted=true").json().toString()).doesNotContain(subject);
        assertError(call("DELETE", "/subjects/" + subject + "?permanent=true"), 404, 40401);
        assertError(call("GET", "/config/" + subject), 404, 40408);
    }

    @Test
    void shouldRegisterWithReferencesAndKeepAReferencedVersionFromBeingDeleted() {
        String common = uniqueSubject();
        String person = uniqueSubject();
        register(common, ADDRESS);

        Answer registered = call("POST", "/subjects/" + person + "/versions", withReference(PERSON, common, 1));

        assertThat(registered.status()).as("%s", registered.json()).isEqualTo(200);
        int personId = registered.json().get("id").asInt();
        JsonNode stored = call("GET", "/subjects/" + person + "/versions/latest").json();
        assertThat(stored.get("references")).hasToString(
                "[{\"name\":\"common.Address\",\"subject\":\"" + common + "\",\"version\":1}]");
        // Canonical, with the referenced type left as a name.
        assertThat(stored.get("schema").asText()).isEqualTo(PERSON);
        assertThat(call("GET", "/schemas/ids/" + personId).json().get("references")).isEqualTo(stored.get("references"));
        assertThat(call("GET", "/subjects/" + common + "/versions/1/referencedby").json()).hasToString("[" + personId + "]");
        // The same schema with its reference copied in is the same schema.
        assertThat(call("POST", "/subjects/" + person, registration(PERSON_INLINED)).json().get("id").asInt())
                .isEqualTo(personId);
        assertThat(register(person, PERSON_INLINED).json().get("id").asInt()).isEqualTo(personId);

        assertError(call("DELETE", "/subjects/" + common + "/versions/1"), 422, 42206);
        assertError(call("DELETE", "/subjects/" + common), 422, 42206);
        // A soft-deleted referrer no longer holds a soft delete back, but still holds a permanent one.
        call("DELETE", "/subjects/" + person);
        assertThat(call("DELETE", "/subjects/" + common).json()).hasToString("[1]");
        assertError(call("DELETE", "/subjects/" + common + "?permanent=true"), 422, 42206);
    }

    @Test
    void shouldRefuseAReferenceToNothingAsAnInvalidSchema() {
        assertError(call("POST", "/subjects/" + uniqueSubject() + "/versions", withReference(PERSON, uniqueSubject(), 1)),
                422, 42201);
        assertError(call("POST", "/subjects/" + uniqueSubject() + "/versions", registration(PERSON)), 422, 42201);
    }

    @Test
    void shouldFreezeASubjectInReadOnlyModeUntilItsModeIsDeleted() {
        String subject = uniqueSubject();
        register(subject, USER);
        assertThat(call("GET", "/mode").json()).hasToString("{\"mode\":\"READWRITE\"}");

        assertThat(call("PUT", "/mode/" + subject, "{\"mode\":\"READONLY\"}").json()).hasToString("{\"mode\":\"READONLY\"}");

        assertThat(call("GET", "/mode/" + subject).json()).hasToString("{\"mode\":\"READONLY\"}");
        assertError(register(subject, USER_WITH_OPTIONAL_EMAIL), 422, 42205);
        assertError(call("DELETE", "/subjects/" + subject), 422, 42205);
        assertError(call("PUT", "/config/" + subject, "{\"compatibility\":\"NONE\"}"), 422, 42205);
        assertThat(call("GET", "/subjects/" + subject + "/versions/1").status()).isEqualTo(200);
        String other = uniqueSubject();
        assertError(call("GET", "/mode/" + other), 404, 40409);
        assertThat(call("GET", "/mode/" + other + "?defaultToGlobal=true").json()).hasToString("{\"mode\":\"READWRITE\"}");

        assertThat(call("DELETE", "/mode/" + subject).json()).hasToString("{\"mode\":\"READONLY\"}");
        assertError(call("DELETE", "/mode/" + subject), 404, 40401);
        assertThat(register(subject, USER_WITH_OPTIONAL_EMAIL).status()).isEqualTo(200);
        assertError(call("PUT", "/mode/" + subject, "{\"mode\":\"SIDEWAYS\"}"), 422, 42204);
    }

    @Test
    void shouldImportSchemasWithTheirIdsOnlyInImportMode() {
        String subject = uniqueSubject();
        int id = 900_000;
        assertThat(register(subject, USER).status()).isEqualTo(200);
        // IMPORT over live versions would mix imported ids with this registry's: refused unless forced.
        assertError(call("PUT", "/mode/" + subject, "{\"mode\":\"IMPORT\"}"), 422, 42205);
        String imported = uniqueSubject();
        assertError(call("POST", "/subjects/" + imported + "/versions", importing(USER, id, 3)), 422, 42205);

        assertThat(call("PUT", "/mode/" + imported, "{\"mode\":\"IMPORT\"}").status()).isEqualTo(200);

        assertError(register(imported, USER), 422, 42205);
        assertThat(call("POST", "/subjects/" + imported + "/versions", importing(USER_WITH_OPTIONAL_EMAIL, id, 3))
                .json()).hasToString("{\"id\":" + id + ",\"version\":3}");
        JsonNode version = call("GET", "/subjects/" + imported + "/versions/3").json();
        assertThat(version.get("id").asInt()).isEqualTo(id);
        assertThat(call("GET", "/schemas/ids/" + id).json().get("schema").asText())
                .isEqualTo(canonical(USER_WITH_OPTIONAL_EMAIL));
        assertError(call("POST", "/subjects/" + uniqueSubject() + "/versions", importing(ADDRESS, id, 1)), 422, 42205);
        assertError(call("POST", "/subjects/" + imported + "/versions", importing(ADDRESS, id, 4)), 422, 42207);

        assertThat(call("PUT", "/mode/" + subject + "?force=true", "{\"mode\":\"IMPORT\"}").status()).isEqualTo(200);
        call("DELETE", "/mode/" + imported);
        // Back in READWRITE, new ids come after the imported one.
        assertThat(register(imported, "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"test\",\"fields\":["
                + "{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"n\",\"type\":\"int\",\"default\":0},"
                + "{\"name\":\"email\",\"type\":[\"null\",\"string\"],\"default\":null}]}").json().get("id").asInt())
                .isGreaterThan(id);
    }

    @Test
    void shouldApplyTheGlobalModeToEverySubject() {
        try (EmbeddedSchemaRegistry own = new EmbeddedSchemaRegistry(SharedKafka.bootstrapServers(),
                "_schemas-global-mode-" + UUID.randomUUID(), "127.0.0.1", 0)) {
            own.start();
            assertThat(call(own, "PUT", "/mode", "{\"mode\":\"READONLY\"}").json()).hasToString("{\"mode\":\"READONLY\"}");

            assertError(call(own, "POST", "/subjects/" + uniqueSubject() + "/versions", registration(USER)), 422, 42205);
            assertError(call(own, "PUT", "/config", "{\"compatibility\":\"NONE\"}"), 422, 42205);

            assertThat(call(own, "DELETE", "/mode", null).json()).hasToString("{\"mode\":\"READONLY\"}");
            assertThat(call(own, "GET", "/mode", null).json()).hasToString("{\"mode\":\"READWRITE\"}");
            assertThat(call(own, "POST", "/subjects/" + uniqueSubject() + "/versions", registration(USER)).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void shouldDeleteASubjectLevelAndAnswerThePreviousOne() {
        String subject = uniqueSubject();
        call("PUT", "/config/" + subject, "{\"compatibility\":\"FULL\"}");

        assertThat(call("DELETE", "/config/" + subject).json()).hasToString("{\"compatibilityLevel\":\"FULL\"}");

        assertError(call("GET", "/config/" + subject), 404, 40408);
        assertError(call("DELETE", "/config/" + subject), 404, 40401);
    }

    @Test
    void shouldListSchemasSubjectsTypesContextsAndTheClusterId() {
        String subject = uniqueSubject();
        int id = register(subject, ADDRESS).json().get("id").asInt();
        register(subject, ADDRESS.replace("]}", ",{\"name\":\"zip\",\"type\":[\"null\",\"string\"],\"default\":null}]}"));

        assertThat(call("GET", "/schemas/types").json()).hasToString("[\"AVRO\"]");
        assertThat(call("GET", "/schemas/ids/" + id + "/schema").json()).isEqualTo(json(canonical(ADDRESS)));
        assertThat(call("GET", "/schemas/ids/" + id + "/subjects").json().toString()).contains("\"" + subject + "\"");
        assertThat(call("GET", "/schemas?subjectPrefix=" + subject).json().findValuesAsText("version"))
                .containsExactly("1", "2");
        assertThat(call("GET", "/schemas?subjectPrefix=" + subject + "&latestOnly=true").json().findValuesAsText("version"))
                .containsExactly("2");
        assertThat(call("GET", "/subjects?subjectPrefix=" + SUBJECT_PREFIX).json().toString()).contains(subject);
        assertThat(call("GET", "/contexts").json()).hasToString("[\".\"]");
        JsonNode scope = call("GET", "/v1/metadata/id").json().get("scope");
        assertThat(scope.get("path")).isEmpty();
        assertThat(scope.get("clusters").get("kafka-cluster").asText()).isNotBlank();
        assertThat(scope.get("clusters").get("schema-registry-cluster").asText()).isNotBlank();
    }

    @Test
    void shouldAnswer405ToAKnownPathAskedWithAnotherMethod() {
        assertError(call("PUT", "/subjects", "{}"), 405, 405);
        assertError(call("POST", "/schemas/types", "{}"), 405, 405);
        assertError(call("DELETE", "/schemas/ids/1"), 405, 405);
        assertError(call("GET", "/no/such/endpoint"), 404, 404);
    }

    @Test
    void shouldKeepDeletesModesAndReferencesAcrossARestart() {
        String topic = "_schemas-api-restart-" + UUID.randomUUID();
        String common = uniqueSubject();
        String person = uniqueSubject();
        String frozen = uniqueSubject();
        int personId;
        try (EmbeddedSchemaRegistry before = new EmbeddedSchemaRegistry(SharedKafka.bootstrapServers(), topic, "127.0.0.1", 0)) {
            before.start();
            call(before, "POST", "/subjects/" + common + "/versions", registration(ADDRESS));
            personId = call(before, "POST", "/subjects/" + person + "/versions", withReference(PERSON, common, 1))
                    .json().get("id").asInt();
            call(before, "POST", "/subjects/" + frozen + "/versions", registration(USER));
            call(before, "POST", "/subjects/" + frozen + "/versions", registration(USER_WITH_OPTIONAL_EMAIL));
            call(before, "DELETE", "/subjects/" + frozen + "/versions/2", null);
            call(before, "DELETE", "/subjects/" + frozen + "/versions/2?permanent=true", null);
            call(before, "DELETE", "/subjects/" + frozen + "/versions/1", null);
            call(before, "PUT", "/mode/" + frozen, "{\"mode\":\"READONLY\"}");
        }

        try (EmbeddedSchemaRegistry after = new EmbeddedSchemaRegistry(SharedKafka.bootstrapServers(), topic, "127.0.0.1", 0)) {
            after.start();
            assertThat(call(after, "GET", "/subjects/" + common + "/versions/1/referencedby", null).json())
                    .hasToString("[" + personId + "]");
            assertThat(call(after, "GET", "/schemas/ids/" + personId, null).json().get("references")).hasSize(1);
            assertThat(call(after, "GET", "/subjects/" + frozen + "/versions?deleted=true", null).json()).hasToString("[1]");
            assertError(call(after, "GET", "/subjects/" + frozen + "/versions", null), 404, 40401);
            assertThat(call(after, "GET", "/mode/" + frozen, null).json()).hasToString("{\"mode\":\"READONLY\"}");
        }
    }

    // ---- helpers ----

    private static String uniqueSubject() {
        return SUBJECT_PREFIX + UUID.randomUUID() + "-value";
    }

    /** USER with an optional field no other test registers: its id is this test's alone. */
    private static String uniqueUserVersion() {
        return USER_WITH_OPTIONAL_EMAIL.replace("\"email\"", "\"f" + UUID.randomUUID().toString().replace("-", "") + "\"");
    }

    private static String withReference(String schema, String subject, int version) {
        ObjectNode body = JSON.createObjectNode().put("schema", schema);
        body.putArray("references").addObject().put("name", "common.Address").put("subject", subject).put("version", version);
        return body.toString();
    }

    private static String importing(String schema, int id, int version) {
        return JSON.createObjectNode().put("schema", schema).put("id", id).put("version", version).toString();
    }

    private static Answer register(String subject, String schema) {
        return call("POST", "/subjects/" + subject + "/versions", registration(schema));
    }

    private static Answer call(String method, String path) {
        return call(registry, method, path, null);
    }

    private static Answer call(String method, String path, String body) {
        return call(registry, method, path, body);
    }

    private static Answer call(EmbeddedSchemaRegistry target, String method, String path, String body) {
        return RegistryHttp.call(target, method, path, body, SchemaRegistryClient.CONTENT_TYPE);
    }

}
