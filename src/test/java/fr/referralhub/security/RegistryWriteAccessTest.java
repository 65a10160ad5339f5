package fr.referralhub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.referralhub.embedded.EmbeddedPlatformProperties;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.AvroSerdeConfig;
import fr.referralhub.schemaregistry.AvroSerializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.testing.NodeScript;
import fr.referralhub.testing.SecuredHubTest;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * With operator security on, the embedded schema registry (its own HTTP server, not Spring's) wants HTTP Basic on every
 * request, Confluent's {@code basic.auth.user.info}: without known credentials 401 with Confluent's 40101, reads
 * included. Every Kafka principal reads with its Kafka password ({@code hub.kafka-access.credentials}, here the dev
 * ones): a social landlord reads and looks schemas up, and is refused registrations, levels, modes and deletes with
 * 403 and Confluent's 40301; the hub (its write password) and the operators' principal write. The hub's own client,
 * given the write credentials by its configuration ({@code hub.schema-registry.basic-auth-user-info}), has registered
 * the hub's schemas; a serde configured with them (Confluent's {@code basic.auth.*} names) writes, one without is
 * refused. Confluent's official JS client registers with the writer's credentials given its way
 * ({@code basicAuthCredentials}), reads with a landlord's and is refused a registration with them, and is refused
 * everything without ({@code src/test/js/confluent-interop.mjs credentials}).
 */
@SecuredHubTest
class RegistryWriteAccessTest {

    /** A social landlord of partners-dev.yaml, with its Kafka password in kafka-credentials-dev.yaml. */
    private static final String LANDLORD = "logis-hdf";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema PROBE = SchemaBuilder.record("RegistryWriteProbe").namespace("fr.referralhub.test")
            .fields().requiredString("name").endRecord();
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(90);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String STRING_SCHEMA = "{\"schema\":\"\\\"string\\\"\"}";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Value("${hub.schema-registry.url}")
    String registry;
    @Value("${hub.embedded.schema-registry.write-password}")
    String writePassword;
    @Value("${hub.kafka-access.credentials." + LANDLORD + "}")
    String landlordPassword;
    @Value("${hub.kafka-access.credentials.ops}")
    String opsPassword;
    @Autowired
    SchemaRegistryProperties hubRegistrySettings;

    @Test
    void shouldRefuseEveryRequestWithoutKnownCredentials() throws Exception {
        String put = "{\"compatibility\":\"BACKWARD\"}";
        for (HttpRequest.Builder anonymous : new HttpRequest.Builder[] {
                request("/config").GET(),
                request("/subjects").GET(),
                request("/schemas/ids/1").GET(),
                request("/subjects/referrals.v1-value/versions/latest").GET(),
                request("/config").PUT(HttpRequest.BodyPublishers.ofString(put)),
                request("/subjects/anything-value/versions").POST(HttpRequest.BodyPublishers.ofString(STRING_SCHEMA)),
                request("/mode").PUT(HttpRequest.BodyPublishers.ofString("{\"mode\":\"IMPORT\"}")),
                request("/subjects/referrals.v1-value").DELETE(),
                basic(request("/config"), "hub:wrong-password").PUT(HttpRequest.BodyPublishers.ofString(put)),
                basic(request("/subjects"), LANDLORD + ":wrong-password").GET(),
                basic(request("/subjects"), "nobody:" + landlordPassword).GET(),
                request("/subjects").header("Authorization", "Basic not-base64!").GET()}) {
            HttpResponse<String> refused = send(anonymous);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
            // Confluent's error shape, which Confluent's clients turn into their own errors.
            JsonNode error = JSON.readTree(refused.body());
            assertThat(error.get("error_code").asInt()).as(refused.body()).isEqualTo(40101);
            assertThat(error.get("message").asText()).as(refused.body()).isNotBlank();
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    challenge -> assertThat(challenge).startsWith("Basic realm="));
        }
    }

    @Test
    void shouldLetAPrincipalReadAndOnlyTheHubAndOperatorsWrite() throws Exception {
        String landlord = LANDLORD + ":" + landlordPassword;
        HttpResponse<String> level = send(basic(request("/config"), landlord).GET());
        assertThat(level.statusCode()).as(level.body()).isEqualTo(200);
        String current = JSON.readTree(level.body()).get("compatibilityLevel").asText();
        String put = "{\"compatibility\":\"" + current + "\"}";

        // The hub registered its schemas at start-up with its credentials; a landlord reads them and looks them up.
        HttpResponse<String> subjects = send(basic(request("/subjects"), landlord).GET());
        assertThat(subjects.statusCode()).as(subjects.body()).isEqualTo(200);
        assertThat(subjects.body()).contains("referrals.v1-value");
        HttpResponse<String> latest = send(basic(request("/subjects/referrals.v1-value/versions/latest"), landlord)
                .GET());
        assertThat(latest.statusCode()).as(latest.body()).isEqualTo(200);
        JsonNode referrals = JSON.readTree(latest.body());
        ObjectNode lookup = JSON.createObjectNode().put("schema", referrals.get("schema").asText());
        if (referrals.has("references")) {
            lookup.set("references", referrals.get("references"));
        }
        HttpResponse<String> found = send(basic(request("/subjects/referrals.v1-value"), landlord)
                .POST(HttpRequest.BodyPublishers.ofString(lookup.toString())));
        assertThat(found.statusCode()).as("a lookup is a read: %s", found.body()).isEqualTo(200);
        assertThat(JSON.readTree(found.body()).get("id").asInt()).isEqualTo(referrals.get("id").asInt());

        String probeSubject = "registry-access-" + UUID.randomUUID() + "-value";
        for (HttpRequest.Builder change : new HttpRequest.Builder[] {
                request("/subjects/" + probeSubject + "/versions").POST(HttpRequest.BodyPublishers.ofString(
                        STRING_SCHEMA)),
                request("/config").PUT(HttpRequest.BodyPublishers.ofString(put)),
                request("/config/referrals.v1-value").PUT(HttpRequest.BodyPublishers.ofString(put)),
                request("/mode").PUT(HttpRequest.BodyPublishers.ofString("{\"mode\":\"READONLY\"}")),
                request("/subjects/referrals.v1-value").DELETE(),
                request("/subjects/referrals.v1-value/versions/1").DELETE()}) {
            HttpResponse<String> refused = send(basic(change, landlord));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            JsonNode error = JSON.readTree(refused.body());
            assertThat(error.get("error_code").asInt()).as(refused.body()).isEqualTo(40301);
            assertThat(error.get("message").asText()).as(refused.body()).isNotBlank()
                    .doesNotContain(landlordPassword);
        }
        // Nothing the refusals asked for happened.
        HttpResponse<String> after = send(basic(request("/subjects"), landlord).GET());
        assertThat(after.body()).contains("referrals.v1-value").doesNotContain(probeSubject);
        assertThat(JSON.readTree(send(basic(request("/mode"), landlord).GET()).body()).get("mode").asText())
                .isEqualTo("READWRITE");

        HttpResponse<String> hubRegisters = send(basic(request("/subjects/" + probeSubject + "/versions"),
                "hub:" + writePassword).POST(HttpRequest.BodyPublishers.ofString(STRING_SCHEMA)));
        assertThat(hubRegisters.statusCode()).as(hubRegisters.body()).isEqualTo(200);
        assertThat(JSON.readTree(hubRegisters.body()).get("id").asInt()).isPositive();
        HttpResponse<String> hubSetsLevel = send(basic(request("/config"), "hub:" + writePassword)
                .PUT(HttpRequest.BodyPublishers.ofString(put)));
        assertThat(hubSetsLevel.statusCode()).as(hubSetsLevel.body()).isEqualTo(200);
        HttpResponse<String> operatorSetsLevel = send(basic(request("/config"), "ops:" + opsPassword)
                .PUT(HttpRequest.BodyPublishers.ofString(put)));
        assertThat(operatorSetsLevel.statusCode()).as(operatorSetsLevel.body()).isEqualTo(200);
    }

    @Test
    void shouldLetASerdeRegisterWithTheCredentialsOfItsConfigurationOnly() {
        assertThat(hubRegistrySettings.basicAuthUserInfo()).isEqualTo(
                EmbeddedPlatformProperties.SchemaRegistry.WRITER + ":" + writePassword);
        assertThat(hubRegistrySettings.toString()).doesNotContain(writePassword);
        String topic = "registry-write-access-" + UUID.randomUUID();
        GenericRecord probe = new GenericRecordBuilder(PROBE).set("name", "probe").build();

        AvroSerializer anonymous = new AvroSerializer();
        anonymous.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry,
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, true), false);
        assertThatThrownBy(() -> anonymous.serialize(topic, probe))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("40101");

        AvroSerializer configured = new AvroSerializer();
        configured.configure(hubRegistrySettings.serdeConfig(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, true)),
                false);
        byte[] written = configured.serialize(topic, probe);
        AvroDeserializer reader = hubRegistrySettings.genericDeserializer();
        assertThat(((GenericRecord) reader.deserialize(topic, written)).get("name")).hasToString("probe");
    }

    @Test
    void shouldLetConfluentsJsClientRegisterAsTheHubReadAsALandlordAndRefuseItWithout() throws Exception {
        NodeScript.Result run = NodeScript.run(NODE_TIMEOUT, "confluent-interop.mjs", "credentials", registry,
                EmbeddedPlatformProperties.SchemaRegistry.WRITER + ":" + writePassword,
                LANDLORD + ":" + landlordPassword);
        assertThat(run.succeeded()).as(run.describe()).isTrue();
        JsonNode result = JSON.readTree(run.lastLine());

        assertRefused(result, "anonymousRegister", 401, 40101);
        assertRefused(result, "anonymousRead", 401, 40101);
        assertThat(result.get("id").asInt()).isPositive();
        // The landlord read what the hub registered: version 1, the refused registrations left nothing behind.
        assertThat(result.get("latestVersion").asInt()).isEqualTo(1);
        assertThat(result.get("latestId").asInt()).isEqualTo(result.get("id").asInt());
        assertRefused(result, "readerRegister", 403, 40301);
    }

    private static void assertRefused(JsonNode result, String call, int status, int errorCode) {
        JsonNode refusal = result.get(call);
        assertThat(refusal.isNull()).as("%s must be refused", call).isFalse();
        assertThat(refusal.get("status").asInt()).as("%s: %s", call, refusal).isEqualTo(status);
        assertThat(refusal.get("errorCode").asInt()).as("%s: %s", call, refusal).isEqualTo(errorCode);
    }

    private static HttpRequest.Builder basic(HttpRequest.Builder request, String userInfo) {
        return request.header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(registry + path)).header("Content-Type", CONTENT_TYPE)
                .header("Accept", CONTENT_TYPE).timeout(Duration.ofSeconds(10));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
