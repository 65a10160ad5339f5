package fr.referralhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.state.ReferralStateReads;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every partner and service endpoint, on the whole hub and a real broker, answers only the headers docs/partners.md
 * lists ("Answer headers"), on its successes and its refusals: no {@code kafka.KEY} (a person's pseudonym), no
 * {@code hub.*}, no Camel header, and none of the request's headers sent back (an API key, a probe header).
 */
@HubTest
class HttpAnswerHeadersTest {

    private static final String SAMPLE = "employment-agency/ft-orientation-mobili-jeune.json";
    private static final String SAMPLE_EVENT_ID = "FT-93066-2026-11-000123";
    private static final String ADIL_93 = "dev-key-adil-93";
    private static final String CLLAJ_LYON = "dev-key-cllaj-lyon";
    /** A request header no answer may echo. */
    private static final String PROBE = "X-Probe";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Autowired
    ReferralStateReads referralState;

    @Test
    void shouldAnswerOnlyDocumentedHeadersOnEveryEndpointSuccessOrRefusal() throws Exception {
        List<HttpResponse<String>> answers = new ArrayList<>();
        String event = Samples.text(SAMPLE).replace(SAMPLE_EVENT_ID, "FT-HEADERS-" + UUID.randomUUID());

        // POST /api/v1/referrals: accepted, already received, no key, another partner's structure, not JSON.
        HttpResponse<String> accepted = answer(answers, 202, referrals(event, PartnerApi.FRANCE_TRAVAIL_93));
        String referralId = JSON.readTree(accepted.body()).get("referralId").asText();
        answer(answers, 202, referrals(event, PartnerApi.FRANCE_TRAVAIL_93));
        answer(answers, 401, referrals(event, null));
        answer(answers, 403, referrals(event, PartnerApi.MISSION_LOCALE_MARSEILLE));
        answer(answers, 400, referrals("{\"idEvenement\": ", PartnerApi.FRANCE_TRAVAIL_93));
        // Refused before any route: a method the path does not take, a body that is not JSON.
        answer(answers, 405, withKey(HttpRequest.newBuilder(uri("/api/v1/referrals")).header("Content-Type",
                "application/json").PUT(HttpRequest.BodyPublishers.ofString(event)), PartnerApi.FRANCE_TRAVAIL_93));
        answer(answers, 415, withKey(HttpRequest.newBuilder(uri("/api/v1/referrals")).header("Content-Type",
                "text/plain").POST(HttpRequest.BodyPublishers.ofString(event)), PartnerApi.FRANCE_TRAVAIL_93));

        // POST /api/v1/referrals/{id}/status: routed to adil-93 in the transaction that accepted it.
        assertThat(referralState.summary(referralId).orElseThrow().deliveredTo()).contains("adil-93");
        answer(answers, 202, status(referralId, ADIL_93, "{\"statusEventId\": \"" + UUID.randomUUID()
                + "\", \"status\": \"RECEIVED\"}"));
        answer(answers, 422, status(referralId, ADIL_93, "{\"statusEventId\": \"" + UUID.randomUUID()
                + "\", \"status\": \"REJECTED\"}"));
        answer(answers, 404, status(referralId, CLLAJ_LYON, "{\"statusEventId\": \"" + UUID.randomUUID()
                + "\", \"status\": \"RECEIVED\"}"));
        answer(answers, 403, status(referralId, PartnerApi.FRANCE_TRAVAIL_93, "{\"statusEventId\": \""
                + UUID.randomUUID() + "\", \"status\": \"RECEIVED\"}"));
        answer(answers, 401, status(referralId, null, "{}"));

        // GET /api/v1/referrals/{id}: the referrer, an unknown id, no key.
        answer(answers, 200, get("/api/v1/referrals/" + referralId, PartnerApi.FRANCE_TRAVAIL_93));
        answer(answers, 404, get("/api/v1/referrals/" + UUID.randomUUID(), PartnerApi.FRANCE_TRAVAIL_93));
        answer(answers, 401, get("/api/v1/referrals/" + referralId, null));

        // The published contracts.
        answer(answers, 200, get("/api/openapi.yaml", null));
        answer(answers, 200, get("/api/asyncapi.yaml", null));
        answer(answers, 200, get("/api/schemas/referrals.v1-value.avsc", null));
        answer(answers, 200, get("/api/schemas/orientation-1.xsd", null));
        answer(answers, 404, get("/api/schemas/nothing-value.avsc", null));

        Set<String> documented = documentedAnswerHeaders();
        assertThat(documented).contains("content-type", "www-authenticate");
        SoftAssertions softly = new SoftAssertions();
        for (HttpResponse<String> answer : answers) {
            Set<String> names = answer.headers().map().keySet().stream()
                    .map(name -> name.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
            softly.assertThat(names).as("headers of %s %s (%d)", answer.request().method(), answer.request().uri(),
                    answer.statusCode()).isSubsetOf(documented);
        }
        softly.assertAll();
        assertThat(accepted.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(answers.stream().filter(a -> a.statusCode() == 401))
                .allSatisfy(a -> assertThat(a.headers().firstValue("WWW-Authenticate")).isPresent());
    }

    /** The names in back quotes of the "**Answer headers**" paragraph of docs/partners.md, in lower case. */
    private static Set<String> documentedAnswerHeaders() throws Exception {
        String docs = Files.readString(Path.of("docs/partners.md"));
        int start = docs.indexOf("**Answer headers**");
        assertThat(start).as("docs/partners.md lists the answer headers").isNotNegative();
        String paragraph = docs.substring(start, docs.indexOf("\n\n", start));
        Matcher name = Pattern.compile("`([A-Za-z-]+)`").matcher(paragraph);
        Set<String> names = new java.util.HashSet<>();
        while (name.find()) {
            names.add(name.group(1).toLowerCase(Locale.ROOT));
        }
        return names;
    }

    private static HttpResponse<String> answer(List<HttpResponse<String>> answers, int expectedStatus,
                                               HttpRequest.Builder request) throws Exception {
        HttpResponse<String> answer = HTTP.send(request.header(PROBE, "echoed?").timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("%s %s: %s", answer.request().method(), answer.request().uri(),
                answer.body()).isEqualTo(expectedStatus);
        answers.add(answer);
        return answer;
    }

    private HttpRequest.Builder referrals(String body, String apiKey) {
        return withKey(HttpRequest.newBuilder(uri("/api/v1/referrals")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), apiKey);
    }

    private HttpRequest.Builder status(String referralId, String apiKey, String body) {
        return withKey(HttpRequest.newBuilder(uri("/api/v1/referrals/" + referralId + "/status"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), apiKey);
    }

    private HttpRequest.Builder get(String path, String apiKey) {
        return withKey(HttpRequest.newBuilder(uri(path)).GET(), apiKey);
    }

    private static HttpRequest.Builder withKey(HttpRequest.Builder request, String apiKey) {
        return apiKey == null ? request : request.header("Authorization", "Bearer " + apiKey);
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
