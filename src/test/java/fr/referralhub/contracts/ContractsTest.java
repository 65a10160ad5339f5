package fr.referralhub.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.intake.InvalidPartnerEventException;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.topics.TopicCatalog;
import fr.referralhub.topics.TopicSpec;
import org.apache.avro.Schema;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.yaml.snakeyaml.Yaml;

/**
 * The contracts the hub serves are hand-written, so this test keeps them true to the code: every REST DSL operation
 * and every status the partner API can answer is in the OpenAPI document, its enums are the canonical ones, its
 * request examples are accepted by the real endpoint and its response schemas fit real answers; every topic of
 * {@link TopicCatalog#all()} is in the AsyncAPI document with its purpose, key and value schema. A new topic or
 * operation fails here until it is documented.
 */
@HubTest
class ContractsTest {

    private static final Path CONTRACTS = Path.of("src/main/resources/contracts");
    private static final Path PROBLEM_RESPONSES = Path.of("src/main/java/fr/referralhub/intake/ProblemResponses.java");
    private static final String PARTNER_API = "/api/v1/";
    /** What TimelineRefusedException and a read answer. */
    private static final List<String> READ_STATUSES = List.of("200", "401", "404", "500", "503");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Autowired
    CamelContext camel;
    @Autowired
    TopicCatalog topics;

    @Test
    void shouldServeBothDocumentsAsWritten() throws Exception {
        for (String document : List.of("openapi.yaml", "asyncapi.yaml")) {
            HttpResponse<String> response = get("/api/" + document);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/yaml"));
            assertThat(response.body()).isEqualTo(Files.readString(CONTRACTS.resolve(document)));
        }
    }

    @Test
    void shouldDocumentEveryOperationOfTheRestDsl() {
        Map<String, Object> paths = map(openApi().get("paths"));
        List<RestDefinition> rests = ((ModelCamelContext) camel).getRestDefinitions();
        assertThat(rests).isNotEmpty();
        for (RestDefinition rest : rests) {
            for (VerbDefinition verb : rest.getVerbs()) {
                String path = join(rest.getPath(), verb.getPath());
                Map<String, Object> operation = map(map(paths.get(path)) == null ? null : map(paths.get(path)).get(verb.asVerb()));
                assertThat(operation).as("%s %s (REST DSL %s) in openapi.yaml", verb.asVerb().toUpperCase(), path,
                        verb.getId()).isNotNull();
                assertThat(operation.get("operationId")).as("operationId of %s %s", verb.asVerb(), path)
                        .isEqualTo(verb.getId());
                if (verb.getConsumes() != null) {
                    assertThat(map(map(operation.get("requestBody")).get("content"))).as("request media type of %s", path)
                            .containsKey(verb.getConsumes());
                }
            }
        }
    }

    @Test
    void shouldDocumentEveryAnswerOfThePartnerApi() throws Exception {
        Set<String> statuses = new TreeSet<>(List.of("202"));
        InvalidPartnerEventException.Kind.ALL.forEach(kind -> statuses.add(String.valueOf(kind.status())));
        // 401, 403, 500, 503: the statuses ProblemResponses writes itself.
        Matcher literal = Pattern.compile("\\b[45]\\d\\d\\b").matcher(Files.readString(PROBLEM_RESPONSES));
        while (literal.find()) {
            statuses.add(literal.group());
        }
        assertThat(statuses).contains("400", "401", "403", "413", "422", "500", "503");
        for (Map.Entry<String, Object> path : map(openApi().get("paths")).entrySet()) {
            if (!path.getKey().startsWith(PARTNER_API)) {
                continue;
            }
            for (Map.Entry<String, Object> operation : map(path.getValue()).entrySet()) {
                Map<String, Object> responses = map(map(operation.getValue()).get("responses"));
                // Reads (the referral timeline) send no event: none of the refusals of a body, their own 404.
                assertThat(responses.keySet()).as("responses of %s %s", operation.getKey(), path.getKey())
                        .containsAll(operation.getKey().equals("get") ? READ_STATUSES : statuses);
                responses.forEach((status, response) -> {
                    if (status.startsWith("4") || status.startsWith("5")) {
                        assertThat(map(map(resolve(openApi(), response)).get("content")))
                                .as("%s answer of %s", status, path.getKey()).containsKey("application/problem+json");
                    }
                });
            }
        }
    }

    @Test
    void shouldAcceptTheRequestExamplesAndAnswerAsDocumented() throws Exception {
        Map<String, Object> post = map(map(map(openApi().get("paths")).get("/api/v1/referrals")).get("post"));
        Map<String, Object> examples = map(map(map(map(post.get("requestBody")).get("content")).get("application/json"))
                .get("examples"));
        assertThat(examples).isNotEmpty();
        // The examples as written, with event ids of their own (the samples they come from are posted by other tests).
        String run = UUID.randomUUID().toString();
        Map<String, Object> accepted = map(resolve(openApi(), "#/components/schemas/ReferralAccepted"));
        for (Map.Entry<String, Object> example : examples.entrySet()) {
            String body = JSON.writeValueAsString(map(example.getValue()).get("value"))
                    .replaceAll("\"(FT-[0-9-]+)\"", "\"$1-" + run + "\"");
            HttpResponse<String> response = PartnerApi.post(port, body);
            assertThat(response.statusCode()).as("example %s: %s", example.getKey(), response.body()).isEqualTo(202);
            JsonNode answer = JSON.readTree(response.body());
            assertThat(fieldNames(answer)).containsAll(list(accepted.get("required")));
            assertThat(list(map(map(accepted.get("properties")).get("status")).get("enum")))
                    .contains(answer.get("status").asText());
        }

        String invalid = JSON.writeValueAsString(map(examples.values().iterator().next()).get("value"))
                .replaceAll("\"(FT-[0-9-]+)\"", "\"$1-invalid-" + run + "\"").replace("\"93066\"", "\"93200X\"");
        HttpResponse<String> refused = PartnerApi.post(port, invalid);
        assertThat(refused.statusCode()).isEqualTo(422);
        Map<String, Object> problem = map(resolve(openApi(), "#/components/schemas/Problem"));
        JsonNode answer = JSON.readTree(refused.body());
        assertThat(fieldNames(answer)).containsAll(list(problem.get("required")));
        Map<String, Object> error = map(map(map(problem.get("properties")).get("errors")).get("items"));
        assertThat(fieldNames(answer.get("errors").get(0))).containsAll(list(error.get("required")));
    }

    @Test
    void shouldListTheCanonicalEnumsInTheOpenApiDocument() throws Exception {
        List<Map<String, Object>> enums = new ArrayList<>();
        collect(openApi(), "x-avro-enum", enums);
        assertThat(enums).hasSizeGreaterThanOrEqualTo(6);
        for (Map<String, Object> property : enums) {
            String avroEnum = (String) property.get("x-avro-enum");
            Schema schema = (Schema) Class.forName(avroEnum).getMethod("getClassSchema").invoke(null);
            assertThat(list(property.get("enum"))).as("values of %s", avroEnum)
                    .containsExactlyElementsOf(schema.getEnumSymbols());
        }
    }

    @Test
    void shouldDescribeEveryTopicOfTheCatalogueWithItsKeyAndSchema() throws Exception {
        Map<String, Object> asyncApi = asyncApi();
        Map<String, Object> channels = map(asyncApi.get("channels"));
        for (TopicSpec topic : topics.all()) {
            Map<String, Object> channel = channels.values().stream().map(ContractsTest::map)
                    .filter(c -> topic.name().equals(c.get("address"))).findFirst()
                    .orElseThrow(() -> new AssertionError("asyncapi.yaml has no channel with address " + topic.name()
                            + ": add one with description \"" + topic.purpose() + "\" and a message whose Kafka key"
                            + " description is \"" + topic.key() + "\""));
            assertThat(channel.get("description")).as("description of %s", topic.name()).isEqualTo(topic.purpose());
            Map<String, Object> messages = map(channel.get("messages"));
            assertThat(messages).as("messages of %s", topic.name()).isNotEmpty();
            for (Object reference : messages.values()) {
                Map<String, Object> message = map(resolve(asyncApi, reference));
                Map<String, Object> kafka = map(map(message.get("bindings")).get("kafka"));
                assertThat(map(kafka.get("key")).get("description")).as("key of %s", topic.name()).isEqualTo(topic.key());
                Map<String, Object> payload = map(message.get("payload"));
                if (topic.valueSchema() == null) {
                    // Raw bytes (dead letters) or JSON (the hub's own state topics): described, not registered.
                    assertThat(payload).as("payload of %s", topic.name()).containsKey("type").containsKey("description");
                    continue;
                }
                assertThat((String) payload.get("schemaFormat")).startsWith("application/vnd.apache.avro");
                String schemaRef = (String) map(payload.get("schema")).get("$ref");
                HttpResponse<String> served = HTTP.send(HttpRequest.newBuilder(
                        URI.create(base() + "/api/asyncapi.yaml").resolve(schemaRef)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(served.statusCode()).as("%s (value schema of %s)", schemaRef, topic.name()).isEqualTo(200);
                assertThat(new Schema.Parser().parse(served.body())).as("value schema of %s", topic.name())
                        .isEqualTo(topic.valueSchema());
            }
        }
    }

    @Test
    void shouldDescribeNoTopicTheCatalogueDoesNotHave() {
        Set<String> catalogue = new TreeSet<>(topics.all().stream().map(TopicSpec::name).toList());
        map(asyncApi().get("channels")).values().stream().map(c -> (String) map(c).get("address"))
                .filter(address -> !address.contains("{"))
                .forEach(address -> assertThat(catalogue).as("topics of TopicCatalog").contains(address));
    }

    @Test
    void shouldReadThePrivacyNotesInFull() {
        // A plain scalar inside a flow mapping ends at the first comma: {description: Accepted, not carried on.}
        // once read as "Accepted" plus a stray property "not carried on.". Parsed here as YAML, as any tool reads it.
        Map<String, Object> person = map(map(map(map(map(openApi().get("components")).get("schemas"))
                .get("EmploymentAgencyEvent")).get("properties")).get("beneficiaire"));
        for (String field : List.of("nom", "prenom", "courriel", "telephone")) {
            assertThat(map(map(person.get("properties")).get(field)).get("description")).as("description of %s", field)
                    .isEqualTo("Accepted, not carried on.");
        }
        Map<String, Object> schemas = map(map(asyncApi().get("components")).get("schemas"));
        Map<String, Object> headers = map(map(schemas.get("HubRecordHeaders")).get("properties"));
        assertThat(map(headers.get("hub.event-type")).get("description")).isEqualTo("CREATED, UPDATED or CANCELLED.");
        assertThat(map(headers.get("hub.person-reference-basis")).get("description"))
                .isEqualTo("NIR, FRANCE_TRAVAIL_ID_AND_BIRTH_DATE or NONE.");
        Map<String, Object> deadLetter = map(map(map(map(map(asyncApi().get("components")).get("messages"))
                .get("deadLetter")).get("headers")).get("properties"));
        assertThat(map(deadLetter.get("hub.dead-letter.reasons")).get("description"))
                .isEqualTo("Field-level reasons (what was expected, never the value).");
    }

    @Test
    void shouldDescribeEveryPropertyWithASchema() {
        // A description cut at a comma leaves its tail as a property without a schema (null): none may exist.
        for (String document : List.of("openapi.yaml", "asyncapi.yaml")) {
            List<String> strays = new ArrayList<>();
            collectStrayProperties(yaml(document), "", strays);
            assertThat(strays).as("properties of %s that are not schemas", document).isEmpty();
        }
    }

    private Map<String, Object> openApi() {
        return yaml("openapi.yaml");
    }

    private Map<String, Object> asyncApi() {
        return yaml("asyncapi.yaml");
    }

    private static Map<String, Object> yaml(String document) {
        try {
            return new Yaml().load(Files.readString(CONTRACTS.resolve(document)));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Follows a local $ref ("#/components/...") given as a string or as {$ref: ...}. */
    private static Object resolve(Map<String, Object> document, Object reference) {
        String ref = reference instanceof String text ? text : (String) map(reference).get("$ref");
        if (ref == null) {
            return reference;
        }
        Object node = document;
        for (String part : ref.substring(2).split("/")) {
            node = map(node).get(part);
            assertThat(node).as("target of %s", ref).isNotNull();
        }
        return node;
    }

    private static void collect(Object node, String key, List<Map<String, Object>> found) {
        if (node instanceof Map<?, ?> map) {
            if (map.containsKey(key)) {
                found.add(map(map));
            }
            map.values().forEach(value -> collect(value, key, found));
        } else if (node instanceof List<?> list) {
            list.forEach(value -> collect(value, key, found));
        }
    }

    private static void collectStrayProperties(Object node, String path, List<String> strays) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if ("properties".equals(key) && value instanceof Map<?, ?> properties) {
                    properties.forEach((name, schema) -> {
                        if (!(schema instanceof Map<?, ?>)) {
                            strays.add(path + "/properties/" + name);
                        }
                    });
                }
                collectStrayProperties(value, path + "/" + key, strays);
            });
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                collectStrayProperties(list.get(i), path + "/" + i, strays);
            }
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String join(String base, String path) {
        String joined = (base == null ? "" : base) + (path == null ? "" : (path.startsWith("/") ? path : "/" + path));
        return joined.replaceAll("//+", "/");
    }

    private String base() {
        return "http://localhost:" + port;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Object value) {
        return value == null ? List.of() : (List<T>) value;
    }
}
