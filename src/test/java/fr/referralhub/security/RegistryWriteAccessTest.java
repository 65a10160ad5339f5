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
 * With operator security on, the embedded schema registry (its own HTTP server, not Spring's) refuses an anonymous
 * {@code PUT /config} and every other request but GET and HEAD, while reads stay open and the hub's own client, given
 * the write credentials by its configuration ({@code hub.schema-registry.basic-auth-user-info}), has registered the
 * hub's schemas; a serde configured with them (Confluent's {@code basic.auth.*} names) writes, one without is refused.
 * Confluent's official JS client registers with the credentials given its way ({@code basicAuthCredentials},
 * Confluent's {@code basic.auth.user.info}) and is refused with Confluent's 40101 without them
 * ({@code src/test/js/confluent-interop.mjs credentials}).
 */
@SecuredHubTest
class RegistryWriteAccessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema PROBE = SchemaBuilder.record("RegistryWriteProbe").namespace("fr.referralhub.test")
            .fields().requiredString("name").endRecord();
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(90);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Value("${hub.schema-registry.url}")
    String registry;
    @Value("${hub.embedded.schema-registry.write-password}")
    String writePassword;
    @Autowired
    SchemaRegistryProperties hubRegistrySettings;

    @Test
    void shouldRefuseAnonymousWritesButServeReadsAndTheHubsOwnClient() throws Exception {
        HttpResponse<String> level = send(request("/config").GET());
        assertThat(level.statusCode()).as(level.body()).isEqualTo(200);
        String current = JSON.readTree(level.body()).get("compatibilityLevel").asText();
        String put = "{\"compatibility\":\"" + current + "\"}";

        HttpResponse<String> anonymous = send(request("/config").PUT(HttpRequest.BodyPublishers.ofString(put)));
        assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
        assertThat(JSON.readTree(anonymous.body()).get("error_code").asInt()).isEqualTo(40101);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Basic"));
        for (HttpRequest.Builder write : new HttpRequest.Builder[] {
                request("/subjects/anything-value/versions").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"schema\":\"\\\"string\\\"\"}")),
                request("/mode").PUT(HttpRequest.BodyPublishers.ofString("{\"mode\":\"IMPORT\"}")),
                request("/subjects/referrals.v1-value").DELETE(),
                basic(request("/config"), "hub:wrong-password").PUT(HttpRequest.BodyPublishers.ofString(put))}) {
            HttpResponse<String> refused = send(write);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
            // Confluent's error shape, which Confluent's clients turn into their own errors.
            JsonNode error = JSON.readTree(refused.body());
            assertThat(error.get("error_code").asInt()).as(refused.body()).isEqualTo(40101);
            assertThat(error.get("message").asText()).as(refused.body()).isNotBlank();
        }

        // The hub registered its schemas at start-up with its credentials, and reads need none.
        HttpResponse<String> subjects = send(request("/subjects").GET());
        assertThat(subjects.statusCode()).isEqualTo(200);
        JsonNode names = JSON.readTree(subjects.body());
        assertThat(names.toString()).contains("referrals.v1-value");
        assertThat(names.toString()).doesNotContain("anything-value");

        HttpResponse<String> withCredentials = send(basic(request("/config"), "hub:" + writePassword)
                .PUT(HttpRequest.BodyPublishers.ofString(put)));
        assertThat(withCredentials.statusCode()).as(withCredentials.body()).isEqualTo(200);
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
    void shouldLetConfluentsJsClientRegisterWithBasicAuthUserInfoAndRefuseItWithout() throws Exception {
        NodeScript.Result run = NodeScript.run(NODE_TIMEOUT, "confluent-interop.mjs", "credentials", registry,
                EmbeddedPlatformProperties.SchemaRegistry.WRITER + ":" + writePassword);
        assertThat(run.succeeded()).as(run.describe()).isTrue();
        JsonNode result = JSON.readTree(run.lastLine());

        JsonNode anonymous = result.get("anonymousRegister");
        assertThat(anonymous.isNull()).as("a registration without credentials must be refused").isFalse();
        assertThat(anonymous.get("status").asInt()).as("%s", anonymous).isEqualTo(401);
        assertThat(anonymous.get("errorCode").asInt()).as("%s", anonymous).isEqualTo(40101);
        assertThat(result.get("id").asInt()).isPositive();
        // Version 1: the refused registration left nothing behind.
        assertThat(result.get("latestVersion").asInt()).isEqualTo(1);
        assertThat(result.get("latestId").asInt()).isEqualTo(result.get("id").asInt());
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
