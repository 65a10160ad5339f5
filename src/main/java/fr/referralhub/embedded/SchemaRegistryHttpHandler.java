package fr.referralhub.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import fr.referralhub.embedded.SchemaRegistryStore.SchemaVersion;
import fr.referralhub.schemaregistry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Confluent Schema Registry REST API over a {@link SchemaRegistryStore}: the endpoints real clients call. */
final class SchemaRegistryHttpHandler implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryHttpHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> BODY_CONTENT_TYPES = Set.of(
            SchemaRegistryClient.CONTENT_TYPE, "application/vnd.schemaregistry+json", "application/json");

    private final SchemaRegistryStore store;

    SchemaRegistryHttpHandler(SchemaRegistryStore store) {
        this.store = store;
    }

    /** One request: its path as decoded segments, its query parameters. */
    private record Request(String method, List<String> path, Map<String, String> query, HttpExchange exchange) {

        /** Whether this request is {@code method} on a path matching {@code pattern}, {@code "*"} matching any segment. */
        boolean is(String expectedMethod, String... pattern) {
            if (!method.equals(expectedMethod) || path.size() != pattern.length) {
                return false;
            }
            for (int i = 0; i < pattern.length; i++) {
                if (!pattern[i].equals("*") && !pattern[i].equals(path.get(i))) {
                    return false;
                }
            }
            return true;
        }

        String segment(int index) {
            return path.get(index);
        }

        boolean flag(String name) {
            return "true".equalsIgnoreCase(query.get(name));
        }
    }

    private record Response(int status, String body) {
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Response response;
            try {
                response = route(parse(exchange));
            } catch (SchemaRegistryApiError e) {
                response = error(e.httpStatus(), e.errorCode(), e.getMessage());
            } catch (RuntimeException e) {
                log.warn("Schema registry request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                response = error(500, 500, "Internal error: " + e.getMessage());
            }
            byte[] body = response.body().getBytes(UTF_8);
            exchange.getResponseHeaders().set("Content-Type", SchemaRegistryClient.CONTENT_TYPE);
            exchange.sendResponseHeaders(response.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private Response route(Request r) {
        if (r.is("GET")) {
            return ok(Map.of());
        }
        if (r.is("GET", "subjects")) {
            return ok(store.subjects(r.flag("deleted")));
        }
        if (r.is("POST", "subjects", "*", "versions")) {
            return ok(Map.of("id", store.register(r.segment(1), schemaOf(r)).id()));
        }
        if (r.is("POST", "subjects", "*")) {
            return ok(versionJson(store.lookup(r.segment(1), schemaOf(r))));
        }
        if (r.is("DELETE", "subjects", "*")) {
            if (r.flag("permanent")) {
                throw new SchemaRegistryApiError(501, 50101, "Permanent deletion is not supported by the embedded"
                        + " schema registry: it remembers ids only through the records that carry them");
            }
            return ok(store.softDelete(r.segment(1)));
        }
        if (r.is("GET", "subjects", "*", "versions")) {
            return ok(store.versions(r.segment(1)));
        }
        if (r.is("GET", "subjects", "*", "versions", "*")) {
            return ok(versionJson(store.version(r.segment(1), r.segment(3))));
        }
        if (r.is("GET", "subjects", "*", "versions", "*", "schema")) {
            return new Response(200, store.version(r.segment(1), r.segment(3)).schema());
        }
        if (r.is("GET", "schemas", "ids", "*")) {
            return ok(Map.of("schema", store.schema(schemaId(r.segment(2)))));
        }
        if (r.is("GET", "schemas", "ids", "*", "versions")) {
            return ok(store.usages(schemaId(r.segment(2))).stream()
                    .map(v -> JSON.createObjectNode().put("subject", v.subject()).put("version", v.version()))
                    .toList());
        }
        if (r.is("GET", "config")) {
            return ok(Map.of("compatibilityLevel", store.globalCompatibility().name()));
        }
        if (r.is("PUT", "config")) {
            return setCompatibility(null, r);
        }
        if (r.is("GET", "config", "*")) {
            return subjectCompatibility(r.segment(1), r.flag("defaultToGlobal"));
        }
        if (r.is("PUT", "config", "*")) {
            return setCompatibility(r.segment(1), r);
        }
        if (r.is("POST", "compatibility", "subjects", "*", "versions", "*")) {
            return compatibility(r, r.segment(4));
        }
        if (r.is("POST", "compatibility", "subjects", "*", "versions")) {
            return compatibility(r, "latest");
        }
        // Also the answer to GET /associations/...: newer Confluent clients try it first and fall back on a 404.
        throw new SchemaRegistryApiError(404, 404, "HTTP 404 Not Found");
    }

    private Response subjectCompatibility(String subject, boolean defaultToGlobal) {
        Optional<SchemaRegistryCompatibility> own = store.subjectCompatibility(subject);
        if (own.isEmpty() && !defaultToGlobal) {
            throw SchemaRegistryApiError.subjectCompatibilityNotConfigured(subject);
        }
        return ok(Map.of("compatibilityLevel", own.orElseGet(store::globalCompatibility).name()));
    }

    private Response setCompatibility(String subjectOrNull, Request r) {
        JsonNode level = jsonBody(r).get("compatibility");
        SchemaRegistryCompatibility parsed =
                SchemaRegistryCompatibility.parse(level == null || level.isNull() ? null : level.asText());
        store.setCompatibility(subjectOrNull, parsed);
        return ok(Map.of("compatibility", parsed.name()));
    }

    private Response compatibility(Request r, String versionRef) {
        List<String> problems = store.compatibilityProblems(r.segment(2), schemaOf(r), versionRef);
        ObjectNode answer = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
        if (!problems.isEmpty()) {
            problems.forEach(answer.putArray("messages")::add);
        }
        return ok(answer);
    }

    private static Schema schemaOf(Request r) {
        JsonNode body = jsonBody(r);
        JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !type.asText().equals("AVRO")) {
            throw SchemaRegistryApiError.invalidSchema("Unsupported schema type " + type.asText()
                    + ": the embedded schema registry serves AVRO only");
        }
        JsonNode references = body.get("references");
        if (references != null && references.isArray() && !references.isEmpty()) {
            throw SchemaRegistryApiError.invalidSchema("Schema references are not supported by the embedded schema registry");
        }
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual() || schema.asText().isBlank()) {
            throw SchemaRegistryApiError.invalidSchema("Empty schema: the request body needs the schema as a JSON string"
                    + " in field 'schema'");
        }
        try {
            return new Schema.Parser().parse(schema.asText());
        } catch (RuntimeException e) {
            // Whatever the parser rejects, and however it says so, the schema is invalid: never a server error.
            throw SchemaRegistryApiError.invalidSchema("Invalid schema: " + e.getMessage());
        }
    }

    private static JsonNode jsonBody(Request r) {
        String contentType = r.exchange().getRequestHeaders().getFirst("Content-Type");
        if (contentType != null) {
            String mediaType = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
            if (!BODY_CONTENT_TYPES.contains(mediaType)) {
                throw new SchemaRegistryApiError(415, 415, "HTTP 415 Unsupported Media Type: send "
                        + SchemaRegistryClient.CONTENT_TYPE);
            }
        }
        try (InputStream in = r.exchange().getRequestBody()) {
            JsonNode body = JSON.readTree(in);
            if (body == null || !body.isObject()) {
                throw new SchemaRegistryApiError(400, 400, "The request body must be a JSON object");
            }
            return body;
        } catch (IOException e) {
            throw new SchemaRegistryApiError(400, 400, "Malformed JSON request body: " + e.getMessage());
        }
    }

    private static Request parse(HttpExchange exchange) {
        List<String> path = Arrays.stream(exchange.getRequestURI().getRawPath().split("/"))
                .filter(segment -> !segment.isEmpty())
                .map(SchemaRegistryHttpHandler::decodePathSegment)
                .toList();
        Map<String, String> query = new HashMap<>();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        if (rawQuery != null) {
            for (String parameter : rawQuery.split("&")) {
                int equals = parameter.indexOf('=');
                if (equals > 0) {
                    query.put(URLDecoder.decode(parameter.substring(0, equals), UTF_8),
                            URLDecoder.decode(parameter.substring(equals + 1), UTF_8));
                }
            }
        }
        return new Request(exchange.getRequestMethod(), path, query, exchange);
    }

    /** Percent-decoding only: URLDecoder would also turn a '+' of a subject name into a space. */
    private static String decodePathSegment(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), UTF_8);
    }

    private static int schemaId(String raw) {
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw SchemaRegistryApiError.schemaNotFound("id " + raw);
        }
    }

    private static ObjectNode versionJson(SchemaVersion version) {
        return JSON.createObjectNode()
                .put("subject", version.subject())
                .put("version", version.version())
                .put("id", version.id())
                .put("schema", version.schema());
    }

    private static Response ok(Object body) {
        return json(200, body);
    }

    private static Response error(int status, int errorCode, String message) {
        return json(status, JSON.createObjectNode().put("error_code", errorCode).put("message", message));
    }

    private static Response json(int status, Object body) {
        try {
            return new Response(status, JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a registry answer", e);
        }
    }
}
