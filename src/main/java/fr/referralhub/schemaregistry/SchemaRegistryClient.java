package fr.referralhub.schemaregistry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;

/**
 * A small client of the Confluent Schema Registry REST API, for Avro schemas.
 *
 * <p>Schemas may import types through Confluent's references: {@link #register(String, Schema, List)} registers one,
 * and every schema read back ({@link #schemaById}, {@link #latest}) comes with its references resolved, a complete
 * schema a datum reader or writer can use.
 *
 * <p>Schema ids are immutable, so the id of a (subject, schema) pair and the schema of an id are cached for the life
 * of the client. Use {@link #shared} to share one client, and so its caches, between the many serializers and
 * deserializers Kafka creates.
 *
 * <p>A registry that wants HTTP Basic credentials gets them from the client's own configuration ({@code user:password},
 * Confluent's {@code basic.auth.user.info}): whoever configures a client or a serde passes them
 * ({@link AvroSerdeConfig}), nothing is set for the whole JVM. They are sent with every request and never logged.
 */
public final class SchemaRegistryClient {

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * A memo, not a setting: one client per (URL, credentials), so the serdes Kafka creates by class name share their
     * caches and one HTTP client. Nothing here changes what any client sends; two configurations get two clients.
     */
    private static final Map<Connection, SchemaRegistryClient> SHARED = new ConcurrentHashMap<>();

    private final String baseUrl;
    /** The {@code Authorization} header's value, or null for a registry that needs none. */
    private final String authorization;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final Map<SubjectSchema, Integer> idBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {
    }

    /** What makes two shared clients the same; a record with the password, so never printed (see toString). */
    private record Connection(String baseUrl, String userInfo) {
        @Override
        public String toString() {
            return baseUrl;
        }
    }

    /** A client without credentials. */
    public SchemaRegistryClient(String baseUrl) {
        this(baseUrl, null, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * @param userInfo {@code user:password} sent as HTTP Basic with every request; null or blank for none
     */
    public SchemaRegistryClient(String baseUrl, String userInfo, Duration requestTimeout) {
        this.baseUrl = normalize(baseUrl);
        this.authorization = userInfo == null || userInfo.isBlank() ? null : "Basic " + Base64.getEncoder()
                .encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        this.requestTimeout = requestTimeout;
        // HTTP/1.1: registries (and the JDK's own HttpServer) do not speak h2c, so skip the upgrade attempt.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout)
                .build();
    }

    /**
     * The client shared by everything in this JVM that talks to the registry at {@code baseUrl} with these
     * credentials ({@code user:password}; null or blank for none).
     */
    public static SchemaRegistryClient shared(String baseUrl, String userInfo) {
        String credentials = userInfo == null || userInfo.isBlank() ? null : userInfo;
        return SHARED.computeIfAbsent(new Connection(normalize(baseUrl), credentials),
                connection -> new SchemaRegistryClient(connection.baseUrl(), connection.userInfo(),
                        DEFAULT_REQUEST_TIMEOUT));
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Registers a schema under a subject (a no-op answering the existing id when it is already there). */
    public int register(String subject, Schema schema) {
        return idOf(subject, schema, subjectPath(subject) + "/versions");
    }

    /**
     * Registers a schema that imports types from other subjects: they are sent as names with {@code references}, not
     * copied in. {@code schema} is the complete schema (as a generated class has it); the registry stores it without
     * the imported types and answers the same id to a later lookup of the complete one.
     */
    public int register(String subject, Schema schema, List<SchemaReference> references) {
        if (references.isEmpty()) {
            return register(subject, schema);
        }
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        Schema.Parser imports = new Schema.Parser();
        define(imports, references, new HashSet<>());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schema", withoutImports(schema, imports.getTypes().values()));
        body.put("references", references.stream().map(r -> Map.of(
                "name", r.name(), "subject", r.subject(), "version", r.version())).toList());
        String path = subjectPath(subject) + "/versions";
        int id = requiredInt(send("POST", path, body), "id", path);
        remember(key, id);
        return id;
    }

    /**
     * The id of a schema already registered under a subject.
     *
     * @throws SchemaRegistryException with error code 40401 (unknown subject) or 40403 (schema not under it)
     */
    public int lookup(String subject, Schema schema) {
        return idOf(subject, schema, subjectPath(subject));
    }

    public Schema schemaById(int id) {
        Schema cached = schemaById.get(id);
        if (cached != null) {
            return cached;
        }
        String path = "/schemas/ids/" + id;
        Schema schema = parseAvro(send("GET", path, null), path);
        schemaById.putIfAbsent(id, schema);
        return schema;
    }

    public RegisteredSchema latest(String subject) {
        String path = subjectPath(subject) + "/versions/latest";
        JsonNode answer = send("GET", path, null);
        RegisteredSchema latest = new RegisteredSchema(answer.path("subject").asText(subject),
                requiredInt(answer, "version", path), requiredInt(answer, "id", path), parseAvro(answer, path));
        remember(new SubjectSchema(subject, latest.schema()), latest.id());
        return latest;
    }

    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        send("GET", "/subjects", null).forEach(subject -> subjects.add(subject.asText()));
        return subjects;
    }

    /**
     * Whether a schema may be registered under a subject, by the subject's compatibility level.
     * A subject with no versions accepts anything.
     */
    public boolean isCompatible(String subject, Schema schema) {
        String path = "/compatibility" + subjectPath(subject) + "/versions/latest";
        try {
            JsonNode answer = send("POST", path, schemaBody(schema));
            JsonNode compatible = answer.get("is_compatible");
            if (compatible == null || !compatible.isBoolean()) {
                throw unexpectedAnswer(path, "no boolean is_compatible");
            }
            return compatible.booleanValue();
        } catch (SchemaRegistryException e) {
            // Older registries answer 404 instead of "compatible" when the subject has no versions yet.
            if (e.getErrorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
                    || e.getErrorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
                return true;
            }
            throw e;
        }
    }

    /**
     * The compatibility level in force: the global one for {@code null}, else the subject's own level, or the global
     * one when the subject has none.
     */
    public String compatibility(String subjectOrNull) {
        String path = subjectOrNull == null ? "/config" : configPath(subjectOrNull) + "?defaultToGlobal=true";
        JsonNode level = send("GET", path, null).get("compatibilityLevel");
        if (level == null || !level.isTextual()) {
            throw unexpectedAnswer(path, "no compatibilityLevel");
        }
        return level.asText();
    }

    /** Sets the global level ({@code null} subject) or a subject's own level, e.g. BACKWARD, FULL, NONE. */
    public void setCompatibility(String subjectOrNull, String level) {
        String path = subjectOrNull == null ? "/config" : configPath(subjectOrNull);
        send("PUT", path, Map.of("compatibility", level));
    }

    /** Registering and looking up answer the same id for a pair, so they share one cache. */
    private int idOf(String subject, Schema schema, String path) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        int id = requiredInt(send("POST", path, schemaBody(schema)), "id", path);
        remember(key, id);
        return id;
    }

    private void remember(SubjectSchema key, int id) {
        idBySubjectSchema.put(key, id);
        schemaById.putIfAbsent(id, key.schema());
    }

    private JsonNode send(String method, String pathAndQuery, Object body) {
        String url = baseUrl + pathAndQuery;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(toJson(body)));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw noResponse(method, url, "it did not answer within " + requestTimeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw noResponse(method, url, e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw noResponse(method, url, "interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw errorAnswer(method, url, response);
        }
        try {
            return JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw unexpectedAnswer(pathAndQuery, "not JSON");
        }
    }

    private SchemaRegistryException noResponse(String method, String url, String reason, Exception cause) {
        return new SchemaRegistryException("Cannot reach the schema registry at " + baseUrl + " (" + method + " " + url
                + "): " + reason, SchemaRegistryException.NO_RESPONSE, SchemaRegistryException.NO_RESPONSE, url, cause);
    }

    private static SchemaRegistryException errorAnswer(String method, String url, HttpResponse<String> response) {
        int status = response.statusCode();
        int errorCode = status;
        String message = response.body();
        try {
            JsonNode error = JSON.readTree(response.body());
            errorCode = error.path("error_code").asInt(status);
            message = error.path("message").asText(message);
        } catch (JsonProcessingException e) {
            // Not a registry error body (a proxy's HTML page, say): keep the raw text as the message.
        }
        return new SchemaRegistryException("Schema registry call " + method + " " + url + " failed with HTTP " + status
                + " (error " + errorCode + "): " + message, status, errorCode, url, null);
    }

    /** A successful HTTP answer this client cannot use: reported with HTTP status and error code 200. */
    private SchemaRegistryException unexpectedAnswer(String pathAndQuery, String problem) {
        String url = baseUrl + pathAndQuery;
        return new SchemaRegistryException("Unexpected answer from the schema registry to " + url + ": " + problem,
                200, 200, url, null);
    }

    private Schema parseAvro(JsonNode answer, String path) {
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw unexpectedAnswer(path, "schema type " + type + ", this client only reads AVRO");
        }
        JsonNode schema = answer.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw unexpectedAnswer(path, "no schema");
        }
        Schema.Parser parser = new Schema.Parser();
        define(parser, references(answer.path("references")), new HashSet<>());
        try {
            return parser.parse(schema.asText());
        } catch (RuntimeException e) {
            throw unexpectedAnswer(path, "not a valid Avro schema: " + e.getMessage());
        }
    }

    /**
     * Parses the referenced versions, and what they reference (depth first), into {@code parser}, so a schema parsed
     * next may name their types. A version reached twice is parsed once: Avro refuses a type defined twice.
     */
    private void define(Schema.Parser parser, List<SchemaReference> references, Set<String> defined) {
        for (SchemaReference reference : references) {
            if (!defined.add(reference.subject() + '\u0000' + reference.version())) {
                continue;
            }
            // deleted=true: a soft-deleted version still serves the records and schemas written with it.
            String path = subjectPath(reference.subject()) + "/versions/"
                    + (reference.version() == -1 ? "latest" : String.valueOf(reference.version())) + "?deleted=true";
            JsonNode referenced = send("GET", path, null);
            define(parser, references(referenced.path("references")), defined);
            JsonNode schema = referenced.get("schema");
            if (schema == null || !schema.isTextual()) {
                throw unexpectedAnswer(path, "no schema");
            }
            try {
                parser.parse(schema.asText());
            } catch (RuntimeException e) {
                throw unexpectedAnswer(path, "not a valid Avro schema: " + e.getMessage());
            }
        }
    }

    private static List<SchemaReference> references(JsonNode references) {
        List<SchemaReference> parsed = new ArrayList<>();
        for (JsonNode reference : references) {
            parsed.add(new SchemaReference(reference.path("name").asText(), reference.path("subject").asText(),
                    reference.path("version").asInt(-1)));
        }
        return parsed;
    }

    /**
     * The schema's JSON with the imported types left as names. Avro 1.12 deprecates this call without a replacement
     * that does so; Confluent's own AvroSchema.canonicalString() makes it too.
     */
    @SuppressWarnings("deprecation")
    private static String withoutImports(Schema schema, Collection<Schema> imported) {
        return schema.toString(imported, false);
    }

    private int requiredInt(JsonNode answer, String field, String path) {
        JsonNode value = answer.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw unexpectedAnswer(path, "no integer " + field + " in " + answer);
        }
        return value.intValue();
    }

    private static Map<String, String> schemaBody(Schema schema) {
        return Map.of("schema", schema.toString());
    }

    private static String toJson(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write a registry request body", e);
        }
    }

    private static String subjectPath(String subject) {
        return "/subjects/" + encode(subject);
    }

    private static String configPath(String subject) {
        return "/config/" + encode(subject);
    }

    private static String encode(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("A subject name is required");
        }
        // URLEncoder encodes for forms; a path segment wants %20, not +.
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String normalize(String baseUrl) {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException("A schema registry URL is required");
        }
        String url = baseUrl.trim();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        URI uri = URI.create(url);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("Schema registry URL must be http:// or https://, got: " + baseUrl);
        }
        return url;
    }
}
