package fr.referralhub.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.schemaregistry.SchemaRegistryClient;
import org.apache.avro.Schema;

/**
 * The embedded registry's tests call it over plain HTTP, as any client would: every answer must be JSON with the
 * registry's content type, and a refusal must carry Confluent's {@code error_code} and a message.
 */
final class RegistryHttp {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** An answer: its HTTP status and its JSON body. */
    record Answer(int status, JsonNode json) {
    }

    private RegistryHttp() {
    }

    /** A request, with its body sent as {@code contentType}; no body when {@code body} is null. */
    static Answer call(EmbeddedSchemaRegistry target, String method, String path, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.url() + path));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.headers().firstValue("Content-Type")).contains(SchemaRegistryClient.CONTENT_TYPE);
            return new Answer(response.statusCode(), json(response.body()));
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void assertError(Answer answer, int status, int errorCode) {
        assertThat(answer.status()).as("HTTP status of %s", answer.json()).isEqualTo(status);
        assertThat(answer.json().get("error_code").asInt()).isEqualTo(errorCode);
        assertThat(answer.json().get("message").asText()).isNotBlank();
    }

    /** The schema as the registry stores and answers it (Avro's canonical text). */
    static String canonical(String schema) {
        return new Schema.Parser().parse(schema).toString();
    }

    /** The body of a registration or a lookup of this schema. */
    static String registration(String schema) {
        return JSON.createObjectNode().put("schema", schema).toString();
    }

    /** The text read as JSON, or a failed assertion naming it. */
    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("Not JSON: " + text, e);
        }
    }
}
