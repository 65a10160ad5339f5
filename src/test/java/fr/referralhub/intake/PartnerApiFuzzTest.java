package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.api.ProblemDetails;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.PartnerApi;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The hostile JSON bodies of {@link IntakeFuzzTest} through the real partner endpoint (issue 18), fewer of them: what
 * lies between the bytes and the reader (Tomcat, Spring Security, Camel's servlet binding, the flow's error
 * policy) must not turn a partner's mistake into a 5xx or an HTML page either. Each try has its own event id (and
 * origin id), so nothing here touches another test's referrals; the seed is in every failure message.
 */
@HubTest
class PartnerApiFuzzTest {

    private static final int TRIES = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Test
    void shouldAnswerEveryHostileBodyWithAnAcceptanceOrAProblemJsonRefusalNeverA5xx() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < TRIES; i++) {
            String attempt = "seed " + seed + ", try " + i;
            HttpResponse<String> answer = PartnerApi.post(port, PartnerInputs.json(random, "FUZZ-HTTP-" + Long.toHexString(seed) + "-" + i));
            int status = answer.statusCode();
            statuses.merge(status, 1, Integer::sum);
            String contentType = answer.headers().firstValue("Content-Type").orElse("");
            JsonNode body = JSON.readTree(answer.body());
            if (status == 202) {
                assertThat(contentType).as(attempt).startsWith("application/json");
                assertThat(body.path("referralId").asText()).as(attempt).isNotBlank();
                assertThat(body.path("status").asText()).as(attempt).isIn("ACCEPTED", "ALREADY_RECEIVED");
            } else {
                assertThat(status).as(attempt + ": a refusal is the partner's mistake, never a 5xx").isBetween(400, 499);
                assertThat(contentType).as(attempt).startsWith("application/problem+json");
                assertThat(body.path("type").asText()).as(attempt).startsWith(ProblemDetails.TYPE_BASE);
                assertThat(body.path("status").asInt()).as(attempt).isEqualTo(status);
            }
        }
        // Every try was answered, once: accepted or refused.
        assertThat(statuses.values().stream().mapToInt(Integer::intValue).sum()).as("answers by status " + statuses)
                .isEqualTo(TRIES);
    }
}
