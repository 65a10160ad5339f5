package fr.referralhub.security;

import static fr.referralhub.testing.TestOperators.OPERATOR;
import static fr.referralhub.testing.TestOperators.OPERATOR_PASSWORD;
import static fr.referralhub.testing.TestOperators.VIEWER;
import static fr.referralhub.testing.TestOperators.VIEWER_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.referralhub.testing.OperatorAuditRecords;
import fr.referralhub.testing.SecuredHubTest;
import fr.referralhub.testing.TestOperators;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Jolokia is least-privilege (issue 18): what gave an OPERATOR the host (Camel's sendStringBody to a {@code file:}
 * endpoint, dumpHeap, DiagnosticCommand) is refused to everyone and audited, while what the console needs works: an
 * OPERATOR lists and reads the routes and stops and starts one (audited), a VIEWER reads and cannot exec. Over real
 * HTTP, with the audit read back from operator-audit.v1.
 */
@SecuredHubTest
class JolokiaLeastPrivilegeTest {

    private static final String PARTNER_ROUTE = "training-body-file-intake";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private static final Path PROBE = Path.of("target/jolokia-least-privilege");

    @LocalServerPort
    int port;
    @Autowired
    CamelContext camel;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Value("${hub.topics.operator-audit}")
    String auditTopic;

    @Test
    void shouldRefuseAndAuditWhatGaveAnOperatorTheHost() throws Exception {
        Path written = PROBE.resolve("written-by-jolokia.txt");
        Path heap = PROBE.resolve("heap.hprof");
        Files.deleteIfExists(written);
        Files.deleteIfExists(heap);
        String sendToFile = "sendStringBody(java.lang.String,java.lang.String)";
        String dumpHeap = "dumpHeap(java.lang.String,boolean)";
        String agentLoad = "jvmtiAgentLoad([Ljava.lang.String;)";
        List<ObjectNode> denied = List.of(
                exec(contextMBean(), sendToFile, "file:" + PROBE + "?fileName=written-by-jolokia.txt", "pwned"),
                exec("com.sun.management:type=HotSpotDiagnostic", dumpHeap, heap.toString(), true),
                exec("com.sun.management:type=DiagnosticCommand", agentLoad,
                        JSON.createArrayNode().add("/tmp/agent.so")),
                exec(contextMBean(), "createEndpoint(java.lang.String)", "file:" + PROBE),
                exec(routeMBean(PARTNER_ROUTE), "updateRouteFromXml(java.lang.String)", "<route/>"));
        for (ObjectNode request : denied) {
            // text/plain, as a cross-site form or fetch would send it: Jolokia reads any content type.
            HttpResponse<String> response = send(operator("/actuator/jolokia")
                    .setHeader("Content-Type", "text/plain").POST(body(request)));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
            assertProblem(response, "jolokia-operation-denied");
        }
        // A write, and a refused exec hidden in a bulk of reads: the whole bulk is refused.
        HttpResponse<String> write = send(operator("/actuator/jolokia").POST(body(JSON.createObjectNode()
                .put("type", "write").put("mbean", "java.lang:type=Threading")
                .put("attribute", "ThreadCpuTimeEnabled").put("value", false))));
        assertThat(write.statusCode()).as(write.body()).isEqualTo(403);
        HttpResponse<String> bulk = send(operator("/actuator/jolokia").POST(HttpRequest.BodyPublishers.ofString(
                "[{\"type\":\"version\"}," + denied.get(0) + "]")));
        assertThat(bulk.statusCode()).as(bulk.body()).isEqualTo(403);
        // exec by GET: never (its MBean and operation are in the URL, and an image tag can send it).
        HttpResponse<String> getExec = send(operator("/actuator/jolokia/exec/"
                + URLEncoder.encode("com.sun.management:type=HotSpotDiagnostic", StandardCharsets.UTF_8)
                + "/dumpHeap/heap.hprof/true"));
        assertThat(getExec.statusCode()).as(getExec.body()).isEqualTo(403);

        assertThat(written).doesNotExist();
        assertThat(heap).doesNotExist();
        assertThat(Path.of("heap.hprof")).doesNotExist();
        List<JsonNode> audit = jolokiaAudit();
        for (String operation : List.of(sendToFile, dumpHeap, agentLoad)) {
            assertThat(audit).as(operation).anySatisfy(entry -> {
                assertThat(entry.get("actor").asText()).isEqualTo(OPERATOR);
                assertThat(entry.get("channel").asText()).isEqualTo("JOLOKIA");
                assertThat(entry.get("action").asText()).isEqualTo("JOLOKIA_EXEC");
                assertThat(entry.get("target").asText()).endsWith("/" + operation);
                assertThat(entry.get("outcome").asText()).isEqualTo("REFUSED");
            });
        }
        assertThat(audit).anySatisfy(entry -> {
            assertThat(entry.get("action").asText()).isEqualTo("JOLOKIA_WRITE");
            assertThat(entry.get("target").asText()).isEqualTo("jmx:java.lang:type=Threading/ThreadCpuTimeEnabled");
        });
        // Never the arguments: a sendBody's would be a message body.
        assertThat(audit.toString()).doesNotContain("pwned").doesNotContain("/tmp/agent.so");
    }

    @Test
    void shouldHaveJolokiasOwnPolicyLoadedAsTheFirstLock() throws Exception {
        // A GET read passes the guard (it only reads the type of a GET); Jolokia's policy refuses it.
        HttpResponse<String> diagnostic = send(operator(
                "/actuator/jolokia/read/com.sun.management:type=HotSpotDiagnostic/DiagnosticOptions"));
        assertThat(diagnostic.statusCode() == 403 || JSON.readTree(diagnostic.body()).path("status").asInt() == 403)
                .as(diagnostic.body()).isTrue();
        HttpResponse<String> memory = send(operator("/actuator/jolokia/read/java.lang:type=Memory/HeapMemoryUsage"));
        assertJolokiaOk(memory);
    }

    @Test
    void shouldLetAnOperatorReadTheRoutesAndStopAndStartOneAudited() throws Exception {
        String reads = "[{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"},"
                + "{\"type\":\"list\",\"path\":\"org.apache.camel\"},"
                + JSON.createObjectNode().put("type", "read").put("mbean", routeMBean(PARTNER_ROUTE))
                .put("attribute", "State") + ","
                + exec(contextMBean(), "dumpRoutesAsXml()") + "]";
        HttpResponse<String> read = send(operator("/actuator/jolokia").POST(HttpRequest.BodyPublishers.ofString(reads)));
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        JsonNode answers = JSON.readTree(read.body());
        answers.forEach(answer -> assertThat(answer.get("status").asInt()).as(answer.toString()).isEqualTo(200));
        assertThat(answers.get(0).get("value").toString()).contains(PARTNER_ROUTE);
        try {
            assertJolokiaOk(send(operator("/actuator/jolokia").POST(body(exec(routeMBean(PARTNER_ROUTE), "stop()")))));
            assertThat(camel.getRouteController().getRouteStatus(PARTNER_ROUTE)).isEqualTo(ServiceStatus.Stopped);
            assertJolokiaOk(send(operator("/actuator/jolokia").POST(body(exec(routeMBean(PARTNER_ROUTE), "start()")))));
            assertThat(camel.getRouteController().getRouteStatus(PARTNER_ROUTE)).isEqualTo(ServiceStatus.Started);
        } finally {
            camel.getRouteController().startRoute(PARTNER_ROUTE);
        }
        String target = "jmx:" + routeMBean(PARTNER_ROUTE);
        List<JsonNode> audit = jolokiaAudit();
        for (String operation : List.of("stop()", "start()")) {
            assertThat(audit).as(operation).anySatisfy(entry -> {
                assertThat(entry.get("actor").asText()).isEqualTo(OPERATOR);
                assertThat(entry.get("target").asText()).isEqualTo(target + "/" + operation);
                assertThat(entry.get("outcome").asText()).isEqualTo("ALLOWED");
            });
        }
        // The questions are not audited: Hawtio repeats them every few seconds.
        assertThat(audit).noneSatisfy(entry -> assertThat(entry.get("target").asText()).contains("dumpRoutesAsXml"));
    }

    @Test
    void shouldLetAViewerReadButNotExecAndAuditTheAttempt() throws Exception {
        HttpResponse<String> read = send(viewer("/actuator/jolokia").POST(body(JSON.createObjectNode()
                .put("type", "read").put("mbean", routeMBean(PARTNER_ROUTE)).put("attribute", "State"))));
        assertJolokiaOk(read);
        HttpResponse<String> stop = send(viewer("/actuator/jolokia")
                .POST(body(exec(routeMBean(PARTNER_ROUTE), "stop()"))));
        assertThat(stop.statusCode()).isEqualTo(403);
        assertProblem(stop, "operator-required");
        assertThat(camel.getRouteController().getRouteStatus(PARTNER_ROUTE)).isEqualTo(ServiceStatus.Started);
        assertThat(jolokiaAudit()).anySatisfy(entry -> {
            assertThat(entry.get("actor").asText()).isEqualTo(VIEWER);
            assertThat(entry.get("target").asText()).isEqualTo("jmx:" + routeMBean(PARTNER_ROUTE) + "/stop()");
            assertThat(entry.get("outcome").asText()).isEqualTo("REFUSED");
        });
    }

    private List<JsonNode> jolokiaAudit() {
        return OperatorAuditRecords.jolokia(bootstrapServers, auditTopic);
    }

    private String contextMBean() {
        return "org.apache.camel:context=" + camel.getManagementName() + ",type=context,name=\"" + camel.getName()
                + "\"";
    }

    private String routeMBean(String routeId) {
        return "org.apache.camel:context=" + camel.getManagementName() + ",type=routes,name=\"" + routeId + "\"";
    }

    private static ObjectNode exec(String mbean, String operation, Object... arguments) {
        ObjectNode request = JSON.createObjectNode().put("type", "exec").put("mbean", mbean).put("operation", operation);
        request.set("arguments", JSON.valueToTree(arguments));
        return request;
    }

    private static HttpRequest.BodyPublisher body(JsonNode request) {
        return HttpRequest.BodyPublishers.ofString(request.toString());
    }

    private static void assertJolokiaOk(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("status").asInt()).as(response.body()).isEqualTo(200);
    }

    private static void assertProblem(HttpResponse<String> response, String type) throws IOException {
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                contentType -> assertThat(contentType).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).get("type").asText()).endsWith("/" + type);
    }

    private HttpRequest.Builder operator(String path) {
        return TestOperators.basic(request(path), OPERATOR, OPERATOR_PASSWORD);
    }

    private HttpRequest.Builder viewer(String path) {
        return TestOperators.basic(request(path), VIEWER, VIEWER_PASSWORD);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
