package fr.referralhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every refusal is {@code application/problem+json} (issue 18), also those no flow of the hub writes itself: an unknown
 * path, a method or a body type a path does not take, a path Tomcat or Spring Security's firewall refuses, bytes that
 * are not UTF-8. None is a 5xx, none an HTML page.
 */
@HubTest
class HttpProblemAnswersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @Test
    void shouldAnswerAnUnknownPathWithProblemJson() throws Exception {
        assertProblem(send(request("/api/v1/nothing-here").GET()), 404, "not-found");
    }

    @Test
    void shouldAnswerAMethodThePathDoesNotTakeWithProblemJson() throws Exception {
        HttpResponse<String> put = send(request("/api/v1/referrals").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));

        assertProblem(put, 405, "method-not-allowed");
        assertThat(put.headers().firstValue("Allow")).as("Allow header").contains("POST, OPTIONS");
        HttpResponse<String> delete = send(request("/api/v1/referrals/" + UUID.randomUUID()).DELETE());
        assertProblem(delete, 405, "method-not-allowed");
        assertThat(delete.headers().firstValue("Allow")).as("Allow header").contains("GET, HEAD, OPTIONS");
    }

    @Test
    void shouldAnswerAPartnerEventThatIsNotJsonWithProblemJson() throws Exception {
        HttpResponse<String> plain = send(request("/api/v1/referrals").header("Content-Type", "text/plain")
                .header("Authorization", "Bearer " + PartnerApi.FRANCE_TRAVAIL_93)
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

        assertProblem(plain, 415, "unsupported-media-type");
        HttpResponse<String> none = send(request("/api/v1/referrals")
                .header("Authorization", "Bearer " + PartnerApi.FRANCE_TRAVAIL_93)
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertProblem(none, 415, "unsupported-media-type");
    }

    @Test
    void shouldAnswerABodyTypeThePathDoesNotReadWithProblemJson() throws Exception {
        HttpResponse<String> plain = send(request("/ops/subscriptions/problem-answers-test")
                .header("Content-Type", "text/plain").PUT(HttpRequest.BodyPublishers.ofString("not json")));

        assertProblem(plain, 415, "unsupported-media-type");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/actuator/./jolokia",
            "/actuator/%2e/jolokia",
            "/actuator//jolokia",
            "/actuator/%2e%2e/actuator/jolokia",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/api/v1/%2F..%2Freferrals",
            "/api/v1/referrals%0d%0aX-Injected:%201",
            "/api/v1/referrals;jsessionid=1"})
    void shouldRefuseAMalformedPathWith400ProblemJson(String path) throws Exception {
        HttpResponse<String> answer = send(request(path).GET());

        assertThat(answer.statusCode()).as("status of " + path).isEqualTo(400);
        assertProblem(answer, 400, "malformed-request");
    }

    @Test
    void shouldRefuseBytesThatAreNotUtf8WithProblemJsonWithOrWithoutAKey() throws Exception {
        byte[] body = Samples.bytes("employment-agency/ft-orientation-mobili-jeune.json");
        body[20] = (byte) 0xC3;
        body[21] = (byte) 0x28;

        assertProblem(PartnerApi.post(port, body, PartnerApi.FRANCE_TRAVAIL_93), 400, "malformed-event");
        assertProblem(PartnerApi.post(port, body, null), 401, "unauthenticated");
    }

    @Test
    void shouldRefuseAnAmountTooLargeForADoubleWithProblemJson() throws Exception {
        String body = Samples.text("employment-agency/ft-orientation-mobili-jeune.json")
                .replace("FT-93066-2026-11-000123", "FT-PROBLEMS-1e400")
                .replace("\"salaireBrutMensuel\": 1400.00", "\"salaireBrutMensuel\": 1e400");

        JsonNode problem = assertProblem(PartnerApi.post(port, body), 422, "invalid-event");
        assertThat(problem.path("errors").get(0).path("field").asText()).isEqualTo("situation.contrat.salaireBrutMensuel");
    }

    /** The answer has the status, is problem+json with the hub's type, and its body says the same status. */
    static JsonNode assertProblem(HttpResponse<String> answer, int status, String type) throws Exception {
        assertThat(answer.statusCode()).as("status; body: " + answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).as("content type")
                .hasValueSatisfying(contentType -> assertThat(contentType).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.path("type").asText()).isEqualTo(ProblemDetails.TYPE_BASE + type);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asText()).isNotBlank();
        return problem;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(10));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
