package fr.referralhub.schemaregistry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.testing.NodeScript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The registry API as clients nobody on this project wrote use it: every call of Confluent's JS client
 * ({@code src/test/js/registry-api.mjs}) and KafkaJS's registry client ({@code src/test/js/kafkajs-registry.mjs}),
 * with Confluent's documented answers. The same assertions run against the embedded registry and, where Docker runs,
 * against Confluent's own server: the two must behave the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RegistryApiInterop {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(90);

    private JsonNode confluentClientRun;

    /** The registry under test. */
    abstract String registryUrl();

    @Test
    void shouldListRegisterAndLookUpAsConfluentsJsClientExpects() {
        JsonNode r = confluentClient();

        assertThat(r.get("idV1Again").asInt()).isEqualTo(r.get("idV1").asInt());
        assertThat(r.get("idV2").asInt()).isNotEqualTo(r.get("idV1").asInt());
        assertThat(r.get("registeredFull").asInt()).isEqualTo(2);
        assertThat(r.get("versions")).hasToString("[1,2]");
        assertThat(r.get("subjectListed").asBoolean()).isTrue();
        assertThat(r.get("idLookup").asInt()).isEqualTo(r.get("idV1").asInt());
        assertThat(r.get("idLookupFull").asInt()).isEqualTo(2);
        assertThat(r.get("versionOfV2").asInt()).isEqualTo(2);
        assertThat(r.get("byIdName").asText()).isEqualTo("Probe");
        assertThat(r.get("metadataV1").asInt()).isEqualTo(r.get("idV1").asInt());
        assertThat(r.get("latestVersion").asInt()).isEqualTo(2);
        assertRefused(r.get("unknownSubject"), 404, 40401);
        assertRefused(r.get("unknownVersion"), 404, 40402);
    }

    @Test
    void shouldCheckCompatibilityAndReadSetAndDeleteConfigAsConfluentDocumentsIt() {
        JsonNode r = confluentClient();

        assertThat(r.get("compatibleLatest").asBoolean()).isTrue();
        assertThat(r.get("incompatibleLatest").asBoolean()).isFalse();
        assertThat(r.get("compatibleWithV1").asBoolean()).isTrue();
        // Confluent 7.x answers error code 409, newer servers 40901: the HTTP status is the contract.
        assertThat(r.get("incompatibleRegister").get("status").asInt()).isEqualTo(409);
        assertRefused(r.get("invalidSchema"), 422, 42201);
        assertThat(r.get("defaultCompatibilitySet").asText()).isEqualTo(r.get("defaultCompatibility").asText());
        assertThat(r.get("defaultConfig").asText()).isEqualTo(r.get("defaultCompatibility").asText());
        assertThat(r.get("defaultConfigSet").asText()).isEqualTo(r.get("defaultCompatibility").asText());
        assertRefused(r.get("subjectConfigBefore"), 404, 40408);
        assertThat(r.get("updateCompatibility").asText()).isEqualTo("FULL");
        assertThat(r.get("getCompatibility").asText()).isEqualTo("FULL");
        assertThat(r.get("updateConfig").asText()).isEqualTo("BACKWARD_TRANSITIVE");
        assertThat(r.get("getConfig").asText()).isEqualTo("BACKWARD_TRANSITIVE");
        assertThat(r.get("deleteConfig").get("status").asInt()).isEqualTo(200);
        assertThat(r.get("deleteConfig").get("body").get("compatibilityLevel").asText()).isEqualTo("BACKWARD_TRANSITIVE");
        assertRefused(r.get("subjectConfigAfterDelete"), 404, 40408);
        assertRefused(r.get("invalidLevel"), 422, 42203);
    }

    @Test
    void shouldRegisterWithReferencesAndSerializeTheLatestVersionWithConfluentsSerdes() {
        JsonNode r = confluentClient();

        assertThat(r.get("personReferences")).hasSize(1);
        assertThat(r.get("personReferences").get(0).get("name").asText()).isEqualTo("interop.common.Address");
        assertThat(r.get("personReferences").get(0).get("version").asInt()).isEqualTo(1);
        assertThat(r.get("referencedBy").toString()).contains(r.get("personId").asText(), r.get("personV2Id").asText());
        assertRefused(r.get("deleteReferencedVersion"), 422, 42206);
        assertRefused(r.get("deleteReferencedSubject"), 422, 42206);
        assertRefused(r.get("unknownReference"), 422, 42201);
        assertThat(r.get("serializedSchemaId").asInt()).as("useLatestVersion").isEqualTo(r.get("personV2Id").asInt());
        assertThat(r.get("roundTrip").get("home").get("commune").asText()).isEqualTo("93066");
        assertThat(r.get("roundTrip").get("email").asText()).isEqualTo("ada@example.org");
    }

    @Test
    void shouldDeleteVersionsAndSubjectsSoftlyThenPermanentlyInConfluentsOrder() {
        JsonNode r = confluentClient();

        assertRefused(r.get("permanentBeforeSoftVersion"), 404, 40407);
        assertThat(r.get("softDeleteVersion").asInt()).isEqualTo(2);
        assertRefused(r.get("softDeleteVersionAgain"), 404, 40406);
        assertThat(r.get("versionsAfterSoftDelete")).hasToString("[1]");
        assertThat(r.get("deletedVersionRead").asInt()).isEqualTo(2);
        assertThat(r.get("deletedVersionHidden").get("error_code").asInt()).isEqualTo(40402);
        assertThat(r.get("deletedVersionLookup").asInt()).isEqualTo(2);
        assertThat(r.get("deletedVersionListed")).hasToString("[1,2]");
        assertThat(r.get("permanentDeleteVersion").asInt()).isEqualTo(2);
        assertThat(r.get("afterPermanentVersionDelete").get("error_code").asInt()).isEqualTo(40402);

        assertRefused(r.get("permanentBeforeSoftSubject"), 404, 40405);
        assertThat(r.get("softDeleteSubject")).hasToString("[1]");
        assertRefused(r.get("softDeleteSubjectAgain"), 404, 40404);
        assertThat(r.get("listedAfterSoftDelete").asBoolean()).isFalse();
        assertThat(r.get("listedWithDeleted").asBoolean()).isTrue();
        assertThat(r.get("permanentDeleteSubject")).hasToString("[1]");
        assertThat(r.get("listedAfterPermanentDelete").asBoolean()).isFalse();
        assertRefused(r.get("deleteAfterPermanentDelete"), 404, 40401);
    }

    @Test
    void shouldApplyModesOverPlainHttpAsConfluentDocumentsThem() {
        JsonNode r = confluentClient();

        assertThat(body(r.get("globalMode"), 200)).hasToString("{\"mode\":\"READWRITE\"}");
        assertThat(body(r.get("setReadOnly"), 200)).hasToString("{\"mode\":\"READONLY\"}");
        assertThat(body(r.get("subjectMode"), 200)).hasToString("{\"mode\":\"READONLY\"}");
        assertRefused(r.get("registerReadOnly"), 422, 42205);
        assertThat(body(r.get("deleteMode"), 200)).hasToString("{\"mode\":\"READONLY\"}");
        assertThat(body(r.get("modeAfterDelete"), 404).get("error_code").asInt()).isEqualTo(40409);
        assertThat(body(r.get("modeDefaultToGlobal"), 200)).hasToString("{\"mode\":\"READWRITE\"}");
        assertThat(r.get("registerAfterModeDelete").has("value")).as("%s", r.get("registerAfterModeDelete")).isTrue();
        assertThat(body(r.get("invalidMode"), 422).get("error_code").asInt()).isEqualTo(42204);

        assertThat(body(r.get("setImport"), 200)).hasToString("{\"mode\":\"IMPORT\"}");
        assertThat(body(r.get("importWithId"), 200).get("id").asInt()).isEqualTo(r.get("importId").asInt());
        assertThat(r.get("importedVersion").get("id").asInt()).isEqualTo(r.get("importId").asInt());
        assertRefused(r.get("importWithoutId"), 422, 42205);
    }

    @Test
    void shouldServeTheListingsAndAnswer405ToAWrongMethod() {
        JsonNode r = confluentClient();

        assertThat(body(r.get("wrongMethod"), 405).get("error_code").asInt()).isEqualTo(405);
        assertThat(r.get("types").toString()).contains("\"AVRO\"");
        assertThat(r.get("idSubjects").toString()).contains("-common-address\"");
        assertThat(r.get("idVersions").get(0).get("version").asInt()).isEqualTo(1);
        assertThat(r.get("rawSchema").get("name").asText()).isEqualTo("Address");
        assertThat(r.get("schemas")).hasSize(1);
        assertThat(r.get("schemas").get(0).get("id").asInt()).isEqualTo(r.get("addressId").asInt());
        assertThat(r.get("contexts").toString()).contains("\".\"");
        assertThat(r.get("clusterId").get("scope").get("path")).isEmpty();
        assertThat(r.get("clusterId").get("scope").get("clusters").get("kafka-cluster").asText()).isNotBlank();
    }

    @Test
    void shouldServeKafkaJsRegistryClientAndItsSerdes() {
        JsonNode r = run("kafkajs-registry.mjs");

        assertThat(r.get("id2").asInt()).isNotEqualTo(r.get("id1").asInt());
        assertThat(r.get("latestId").asInt()).isEqualTo(r.get("id2").asInt());
        assertThat(r.get("version1Id").asInt()).isEqualTo(r.get("id1").asInt());
        assertThat(r.get("idBySchema").asInt()).isEqualTo(r.get("id1").asInt());
        assertThat(r.get("incompatible").get("status").asInt()).isEqualTo(409);
        assertThat(r.get("encodedSchemaId").asInt()).isEqualTo(r.get("id2").asInt());
        assertThat(r.get("decoded")).hasToString("{\"a\":\"x\",\"b\":\"y\"}");
        assertThat(r.get("decodedPerson").get("home").get("commune").asText()).isEqualTo("93066");
    }

    /** One run of the whole scenario, which the tests read step by step. */
    private JsonNode confluentClient() {
        if (confluentClientRun == null) {
            confluentClientRun = run("registry-api.mjs");
        }
        return confluentClientRun;
    }

    private JsonNode run(String script) {
        NodeScript.Result run = NodeScript.run(NODE_TIMEOUT, script, registryUrl());
        assertThat(run.succeeded()).as(run.describe()).isTrue();
        try {
            return JSON.readTree(run.lastLine());
        } catch (IOException e) {
            throw new AssertionError("Not JSON: " + run.describe(), e);
        }
    }

    private static void assertRefused(JsonNode outcome, int status, int errorCode) {
        assertThat(outcome.has("value")).as("expected a refusal (%s %s), got %s", status, errorCode, outcome).isFalse();
        assertThat(outcome.get("status").asInt()).as("%s", outcome).isEqualTo(status);
        assertThat(outcome.get("errorCode").asInt()).as("%s", outcome).isEqualTo(errorCode);
    }

    /** The body of a plain HTTP answer, after checking its status. */
    private static JsonNode body(JsonNode answer, int status) {
        assertThat(answer.get("status").asInt()).as("%s", answer).isEqualTo(status);
        return answer.get("body");
    }
}
