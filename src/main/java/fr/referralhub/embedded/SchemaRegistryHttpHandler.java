package fr.referralhub.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import fr.referralhub.embedded.SchemaRegistryStore.Reference;
import fr.referralhub.embedded.SchemaRegistryStore.SchemaRequest;
import fr.referralhub.embedded.SchemaRegistryStore.SchemaText;
import fr.referralhub.embedded.SchemaRegistryStore.SchemaVersion;
import fr.referralhub.embedded.SchemaRegistryUsers.Access;
import fr.referralhub.schemaregistry.SchemaRegistryClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST API over a {@link SchemaRegistryStore}, with Confluent's status codes and error
 * codes: a known path asked with another method is a 405, an unknown path a 404.
 *
 * <p>With users (operator security on: {@link EmbeddedPlatformEnvironment}, {@link EmbeddedPlatform}), every request
 * needs HTTP Basic credentials of one of them, Confluent's convention ({@code basic.auth.user.info}): without, or with
 * wrong ones, 401 with error code 40101 (before the path is even looked at). A reader may read, look a schema up and
 * check compatibility (POSTs that change nothing); registering, changing a level or a mode and deleting need a writer,
 * else 403 with 40301, the code Confluent's authorizing servers answer.
 */
final class SchemaRegistryHttpHandler implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryHttpHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> BODY_CONTENT_TYPES = Set.of(
            SchemaRegistryClient.CONTENT_TYPE, "application/vnd.schemaregistry+json", "application/json");

    /** Confluent's codes: no known credentials; known credentials denied the operation. */
    private static final int UNAUTHORIZED = 40101;
    private static final int FORBIDDEN = 40301;

    private final SchemaRegistryStore store;
    private final Supplier<String> clusterId;
    private final List<Route> routes;
    /** Who may read and who may write; null: open to anyone, as Confluent's registry is by default. */
    private final SchemaRegistryUsers users;

    /**
     * @param clusterId the id of the Kafka cluster holding the registry's topic, for {@code /v1/metadata/id}
     * @param users     who may read and who may write; null: open
     */
    SchemaRegistryHttpHandler(SchemaRegistryStore store, Supplier<String> clusterId, SchemaRegistryUsers users) {
        this.store = store;
        this.clusterId = clusterId;
        this.routes = routes();
        this.users = users;
    }

    /** One request: its path as decoded segments, its query parameters. */
    private record Request(String method, List<String> path, Map<String, String> query, HttpExchange exchange) {

        String segment(int index) {
            return path.get(index);
        }

        boolean flag(String name) {
            return "true".equalsIgnoreCase(query.get(name));
        }
    }

    private record Response(int status, String body) {
    }

    private interface Endpoint {
        Response answer(Request request);
    }

    /** @param changes whether it registers, deletes or sets a level or a mode: for writers only */
    private record Route(String method, List<String> pattern, boolean changes, Endpoint endpoint) {

        /** Whether a path has this route's segments, {@code "*"} matching any one segment. */
        boolean matches(List<String> path) {
            if (path.size() != pattern.size()) {
                return false;
            }
            for (int i = 0; i < pattern.size(); i++) {
                if (!pattern.get(i).equals("*") && !pattern.get(i).equals(path.get(i))) {
                    return false;
                }
            }
            return true;
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Response response;
            try {
                // Credentials first: nothing of the request is looked at for someone unknown.
                Access access = access(exchange);
                response = route(parse(exchange), access);
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

    /** What the request's credentials let it do: everything on an open registry; 401 without known credentials. */
    private Access access(HttpExchange exchange) {
        if (users == null) {
            return Access.WRITE;
        }
        return users.access(exchange.getRequestHeaders().getFirst("Authorization")).orElseThrow(() -> {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"schema-registry\"");
            return new SchemaRegistryApiError(401, UNAUTHORIZED, "Unauthorized: the registry needs HTTP Basic "
                    + "credentials (basic.auth.user.info) of a Kafka principal or of the hub");
        });
    }

    private Response route(Request r, Access access) {
        boolean pathKnown = false;
        for (Route route : routes) {
            if (route.matches(r.path())) {
                if (route.method().equals(r.method())) {
                    if (route.changes() && access != Access.WRITE) {
                        throw new SchemaRegistryApiError(403, FORBIDDEN, "Forbidden: " + r.method() + " /"
                                + String.join("/", r.path()) + " changes the registry, which only the hub and "
                                + "operators may do; these credentials may read");
                    }
                    return route.endpoint().answer(r);
                }
                pathKnown = true;
            }
        }
        if (pathKnown) {
            throw SchemaRegistryApiError.methodNotAllowed();
        }
        // Also the answer to GET /associations/...: newer Confluent clients try it first and fall back on a 404.
        throw new SchemaRegistryApiError(404, 404, "HTTP 404 Not Found");
    }

    /** Confluent's REST API, endpoint by endpoint: {@code *} stands for one path segment. */
    private List<Route> routes() {
        return List.of(
                route("GET", "", r -> ok(Map.of())),
                route("GET", "subjects", r -> ok(store.subjects(r.flag("deleted"), r.flag("deletedOnly")).stream()
                        .filter(subject -> subject.startsWith(r.query().getOrDefault("subjectPrefix", "")))
                        .toList())),
                change("POST", "subjects/*/versions", r -> ok(registeredJson(
                        store.register(r.segment(1), schemaOf(r))))),
                route("POST", "subjects/*", r -> ok(versionJson(
                        store.lookup(r.segment(1), schemaOf(r), r.flag("deleted"))))),
                change("DELETE", "subjects/*", r -> ok(store.deleteSubject(r.segment(1), r.flag("permanent")))),
                route("GET", "subjects/*/versions", r -> ok(
                        store.versionNumbers(r.segment(1), r.flag("deleted"), r.flag("deletedOnly")))),
                route("GET", "subjects/*/versions/*", r -> ok(versionJson(
                        store.version(r.segment(1), r.segment(3), r.flag("deleted"))))),
                change("DELETE", "subjects/*/versions/*", r -> ok(
                        store.deleteVersion(r.segment(1), r.segment(3), r.flag("permanent")))),
                route("GET", "subjects/*/versions/*/schema", r -> new Response(200,
                        store.version(r.segment(1), r.segment(3), r.flag("deleted")).schema())),
                route("GET", "subjects/*/versions/*/referencedby", r -> ok(
                        store.referencedBy(r.segment(1), r.segment(3), r.flag("deleted")))),
                route("GET", "schemas", r -> ok(store.schemas(r.query().getOrDefault("subjectPrefix", ""),
                        r.flag("deleted"), r.flag("latestOnly")).stream().map(SchemaRegistryHttpHandler::versionJson)
                        .toList())),
                route("GET", "schemas/types", r -> ok(List.of("AVRO"))),
                route("GET", "schemas/ids/*", r -> ok(schemaJson(store.schema(schemaId(r.segment(2)))))),
                route("GET", "schemas/ids/*/schema", r -> new Response(200,
                        store.schema(schemaId(r.segment(2))).schema())),
                route("GET", "schemas/ids/*/subjects", r -> ok(store.usages(schemaId(r.segment(2)), r.flag("deleted"))
                        .stream().map(SchemaVersion::subject).distinct().toList())),
                route("GET", "schemas/ids/*/versions", r -> ok(store.usages(schemaId(r.segment(2)), r.flag("deleted"))
                        .stream()
                        .map(v -> JSON.createObjectNode().put("subject", v.subject()).put("version", v.version()))
                        .toList())),
                route("GET", "config", r -> ok(levelJson(store.globalCompatibility()))),
                change("PUT", "config", r -> setCompatibility(null, r)),
                change("DELETE", "config", r -> ok(levelJson(store.deleteCompatibility(null)))),
                route("GET", "config/*", r -> subjectCompatibility(r.segment(1), r.flag("defaultToGlobal"))),
                change("PUT", "config/*", r -> setCompatibility(r.segment(1), r)),
                change("DELETE", "config/*", r -> ok(levelJson(store.deleteCompatibility(r.segment(1))))),
                route("GET", "mode", r -> ok(modeJson(store.globalMode()))),
                change("PUT", "mode", r -> setMode(null, r)),
                change("DELETE", "mode", r -> ok(modeJson(store.deleteMode(null)))),
                route("GET", "mode/*", r -> subjectMode(r.segment(1), r.flag("defaultToGlobal"))),
                change("PUT", "mode/*", r -> setMode(r.segment(1), r)),
                change("DELETE", "mode/*", r -> ok(modeJson(store.deleteMode(r.segment(1))))),
                route("POST", "compatibility/subjects/*/versions/*", r -> compatibility(r, r.segment(4))),
                route("POST", "compatibility/subjects/*/versions", r -> compatibility(r, "latest")),
                // One context, the default one: this registry has no others.
                route("GET", "contexts", r -> ok(List.of("."))),
                route("GET", "v1/metadata/id", r -> ok(Map.of("scope", Map.of("path", List.of(), "clusters", Map.of(
                        "kafka-cluster", clusterId.get(), "schema-registry-cluster", "schema-registry"))))));
    }

    /** An endpoint that reads, or looks up or checks without changing anything: any user may call it. */
    private static Route route(String method, String pattern, Endpoint endpoint) {
        return new Route(method, segments(pattern), false, endpoint);
    }

    /** An endpoint that changes the registry: writers only. */
    private static Route change(String method, String pattern, Endpoint endpoint) {
        return new Route(method, segments(pattern), true, endpoint);
    }

    private static List<String> segments(String pattern) {
        return pattern.isEmpty() ? List.of() : List.of(pattern.split("/"));
    }

    private Response subjectCompatibility(String subject, boolean defaultToGlobal) {
        Optional<SchemaRegistryCompatibility> own = store.subjectCompatibility(subject);
        if (own.isEmpty() && !defaultToGlobal) {
            throw SchemaRegistryApiError.subjectCompatibilityNotConfigured(subject);
        }
        return ok(levelJson(own.orElseGet(store::globalCompatibility)));
    }

    private Response setCompatibility(String subjectOrNull, Request r) {
        JsonNode level = jsonBody(r).get("compatibility");
        SchemaRegistryCompatibility parsed =
                SchemaRegistryCompatibility.parse(level == null || level.isNull() ? null : level.asText());
        store.setCompatibility(subjectOrNull, parsed);
        return ok(Map.of("compatibility", parsed.name()));
    }

    private Response subjectMode(String subject, boolean defaultToGlobal) {
        Optional<SchemaRegistryMode> own = store.subjectMode(subject);
        if (own.isEmpty() && !defaultToGlobal) {
            throw SchemaRegistryApiError.subjectModeNotConfigured(subject);
        }
        return ok(modeJson(own.orElseGet(store::globalMode)));
    }

    /** Confluent echoes the request: {@code {"mode": ...}}. */
    private Response setMode(String subjectOrNull, Request r) {
        JsonNode mode = jsonBody(r).get("mode");
        SchemaRegistryMode parsed = SchemaRegistryMode.parse(mode == null || mode.isNull() ? null : mode.asText());
        store.setMode(subjectOrNull, parsed, r.flag("force"));
        return ok(modeJson(parsed));
    }

    private Response compatibility(Request r, String versionRef) {
        List<String> problems = store.compatibilityProblems(r.segment(2), schemaOf(r), versionRef);
        ObjectNode answer = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
        if (!problems.isEmpty()) {
            problems.forEach(answer.putArray("messages")::add);
        }
        return ok(answer);
    }

    private static SchemaRequest schemaOf(Request r) {
        JsonNode body = jsonBody(r);
        JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !type.asText().equals("AVRO")) {
            throw SchemaRegistryApiError.invalidSchema("Unsupported schema type " + type.asText()
                    + ": the embedded schema registry serves AVRO only");
        }
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual() || schema.asText().isBlank()) {
            throw SchemaRegistryApiError.invalidSchema("Empty schema: the request body needs the schema as a JSON string"
                    + " in field 'schema'");
        }
        List<Reference> references = new ArrayList<>();
        for (JsonNode reference : body.path("references")) {
            JsonNode name = reference.get("name");
            JsonNode subject = reference.get("subject");
            JsonNode version = reference.get("version");
            if (name == null || !name.isTextual() || subject == null || !subject.isTextual() || version == null
                    || !version.canConvertToInt()) {
                throw SchemaRegistryApiError.invalidSchema("Invalid reference " + reference
                        + ": a reference needs a name, a subject and a version");
            }
            references.add(new Reference(name.asText(), subject.asText(), version.intValue()));
        }
        // Confluent's "no id" and "no version" are -1 and 0.
        Integer id = body.path("id").canConvertToInt() && body.get("id").intValue() >= 0 ? body.get("id").intValue() : null;
        Integer version = body.path("version").canConvertToInt() && body.get("version").intValue() > 0
                ? body.get("version").intValue() : null;
        return new SchemaRequest(schema.asText(), references, id, version);
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

    /** As Confluent answers a version: references only when there are some, no schemaType for AVRO. */
    private static ObjectNode versionJson(SchemaVersion version) {
        ObjectNode json = JSON.createObjectNode()
                .put("subject", version.subject())
                .put("version", version.version())
                .put("id", version.id());
        return withReferences(json, version.references()).put("schema", version.schema());
    }

    private static ObjectNode schemaJson(SchemaText text) {
        return withReferences(JSON.createObjectNode(), text.references()).put("schema", text.schema());
    }

    private static ObjectNode withReferences(ObjectNode json, List<Reference> references) {
        if (!references.isEmpty()) {
            ArrayNode array = json.putArray("references");
            references.forEach(r -> array.addObject()
                    .put("name", r.name()).put("subject", r.subject()).put("version", r.version()));
        }
        return json;
    }

    /**
     * What a registration answers: the id, and the version as Confluent's newer servers add it (their JS client's
     * registerFullResponse reads it; older clients read the id only).
     */
    private static ObjectNode registeredJson(SchemaVersion version) {
        return JSON.createObjectNode().put("id", version.id()).put("version", version.version());
    }

    private static Map<String, String> levelJson(SchemaRegistryCompatibility level) {
        return Map.of("compatibilityLevel", level.name());
    }

    private static Map<String, String> modeJson(SchemaRegistryMode mode) {
        return Map.of("mode", mode.name());
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
