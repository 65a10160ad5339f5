package fr.referralhub.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.counselling.CounsellingTopics;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.state.ReferralStateReads;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import fr.referralhub.topics.HubTopicProperties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The referral timeline on the whole hub and a real broker. Each test refers its own person as France Travail 93
 * (Saint-Denis, a housing need, eligible to Visale: the dev subscriptions deliver it to adil-93 and
 * action-logement-idf), waits until both services have it, then reads and acts as the referrer and the services
 * with their dev keys.
 */
@HubTest
class ReferralTimelineFlowTest {

    private static final String ADIL_93 = "dev-key-adil-93";
    private static final String ACTION_LOGEMENT = "dev-key-action-logement-idf";
    private static final String CLLAJ_LYON = "dev-key-cllaj-lyon";
    private static final String SAMPLE_EVENT_ID = "FT-93066-2026-11-000123";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Autowired
    SchemaRegistryProperties registry;
    @Autowired
    HubTopicProperties topics;
    @Autowired
    ReferralStateReads referralState;
    @Autowired
    PartnerRegistry partners;
    @Autowired
    CounsellingTopics counsellingTopics;

    String referralId;
    String creationEventId;

    @BeforeEach
    void referAPersonToTwoServices() throws Exception {
        creationEventId = "FT-TIMELINE-" + UUID.randomUUID();
        HttpResponse<String> accepted = PartnerApi.post(port,
                Samples.text("employment-agency/ft-orientation-mobili-jeune.json").replace(SAMPLE_EVENT_ID, creationEventId));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        referralId = JSON.readTree(accepted.body()).get("referralId").asText();
        // Routed in the transaction that accepted it: both services have it once the partner has its 202.
        assertThat(referralState.summary(referralId).orElseThrow().deliveredTo())
                .containsExactlyInAnyOrder("adil-93", "action-logement-idf");
    }

    @Test
    void shouldShowTheReferrerTheWholeHistoryInOrderWithTheCurrentStatus() throws Exception {
        assertThat(report(ADIL_93, "ACCEPTED")).isEqualTo(202);
        assertThat(report(ADIL_93, "IN_PROGRESS")).isEqualTo(202);

        JsonNode timeline = awaitTimeline(PartnerApi.FRANCE_TRAVAIL_93,
                t -> statusesIn(t).equals(List.of("adil-93 ACCEPTED", "adil-93 IN_PROGRESS")) && has(t, "DECISION"));

        assertThat(timeline.get("referralId").asText()).isEqualTo(referralId);
        assertThat(timeline.at("/referrer/partnerId").asText()).isEqualTo("france-travail-93");
        assertThat(timeline.at("/referrer/partnerEventId").asText()).isEqualTo(creationEventId);
        JsonNode history = timeline.get("history");
        JsonNode created = history.get(0);
        assertThat(created.get("what").asText()).isEqualTo("CREATED");
        assertThat(created.get("partnerEventId").asText()).isEqualTo(creationEventId);
        assertThat(created.at("/who/type").asText()).isEqualTo("PARTNER");
        assertThat(created.at("/who/id").asText()).isEqualTo("france-travail-93");
        assertThat(created.get("occurredAt").asText()).isEqualTo("2026-11-20T08:15:00Z");
        List<Instant> times = new ArrayList<>();
        history.forEach(line -> times.add(Instant.parse(line.get("at").asText())));
        assertThat(times).as("oldest first").isSorted();

        JsonNode decision = line(history, "DECISION", null);
        assertThat(decision.at("/who/type").asText()).isEqualTo("HUB");
        assertThat(decision.get("reasonText").asText()).contains("VISALE");
        JsonNode accepted = line(history, "STATUS_CHANGED", "ACCEPTED");
        JsonNode inProgress = line(history, "STATUS_CHANGED", "IN_PROGRESS");
        assertThat(accepted.at("/who/type").asText()).isEqualTo("SERVICE");
        assertThat(accepted.at("/who/id").asText()).isEqualTo("adil-93");
        assertThat(accepted.get("reasonText").asText()).isEqualTo("Acceptée par le service.");
        assertThat(Instant.parse(inProgress.get("at").asText())).isAfterOrEqualTo(Instant.parse(accepted.get("at").asText()));
        for (JsonNode delivered : history.findParents("what")) {
            if (delivered.get("what").asText().equals("DELIVERED")) {
                assertThat(delivered.at("/who/type").asText()).isEqualTo("HUB");
                assertThat(delivered.get("serviceId").asText()).isIn("adil-93", "action-logement-idf");
            }
        }

        assertThat(timeline.at("/status/overall").asText()).isEqualTo("IN_PROGRESS");
        assertThat(timeline.at("/status/since").asText()).isEqualTo(inProgress.get("at").asText());
        assertThat(serviceStatus(timeline, "adil-93").get("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(serviceStatus(timeline, "adil-93").get("since").asText()).isEqualTo(inProgress.get("at").asText());
        assertThat(serviceStatus(timeline, "action-logement-idf").get("status").asText()).isEqualTo("REQUESTED");

        String body = timeline.toString();
        assertThat(body).as("no personal data").doesNotContain("202049306615471", "4512378K", "DUPONT", "Léa",
                "lea.dupont", "+33612345678", "Claire", "Aurillac", "2002-04-12");

        // HEAD answers as GET does, without the body (fr.referralhub.http.RestRoutesServlet).
        HttpResponse<String> head = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/v1/referrals/" + referralId))
                .header("Authorization", "Bearer " + PartnerApi.FRANCE_TRAVAIL_93)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(head.body()).isEmpty();
    }

    @Test
    void shouldShowAServiceTheLifeCycleAndItsOwnLinesOnly() throws Exception {
        assertThat(report(ADIL_93, "ACCEPTED")).isEqualTo(202);
        assertThat(report(ACTION_LOGEMENT, "RECEIVED")).isEqualTo(202);
        // The referrer sees both services' statuses: what the service must not see is really there.
        awaitTimeline(PartnerApi.FRANCE_TRAVAIL_93, t -> statusesIn(t).size() == 2);

        JsonNode timeline = awaitTimeline(ACTION_LOGEMENT, t -> statusesIn(t).equals(List.of("action-logement-idf RECEIVED")));

        assertThat(timeline.at("/referrer/partnerId").asText()).isEqualTo("france-travail-93");
        assertThat(timeline.at("/referrer/partnerEventId").isMissingNode()).isTrue();
        assertThat(timeline.at("/status/overall").asText()).as("its own status").isEqualTo("RECEIVED");
        assertThat(timeline.at("/status/services")).hasSize(1);
        assertThat(serviceStatus(timeline, "action-logement-idf").get("status").asText()).isEqualTo("RECEIVED");
        JsonNode history = timeline.get("history");
        assertThat(history.get(0).get("what").asText()).isEqualTo("CREATED");
        history.forEach(line -> {
            assertThat(line.get("what").asText()).isNotIn("DECISION", "HELD_NOT_INFORMED");
            assertThat(line.has("partnerEventId")).isFalse();
            if (line.has("serviceId")) {
                assertThat(line.get("serviceId").asText()).isEqualTo("action-logement-idf");
            }
        });
        assertThat(timeline.toString()).doesNotContain("adil-93");
    }

    @Test
    void shouldAnswerEveryoneElseAsForAnUnknownReferral() throws Exception {
        HttpResponse<String> otherPartner = get(PartnerApi.MISSION_LOCALE_MARSEILLE, referralId);
        HttpResponse<String> otherService = get(CLLAJ_LYON, referralId);
        HttpResponse<String> unknown = get(PartnerApi.FRANCE_TRAVAIL_93, UUID.randomUUID().toString());
        HttpResponse<String> unknownToAService = get(ADIL_93, UUID.randomUUID().toString());
        for (HttpResponse<String> refused : List.of(otherPartner, otherService, unknown, unknownToAService)) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(404);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.body()).as("the same answer, so ids cannot be probed").isEqualTo(unknown.body());
        }
        assertThat(JSON.readTree(unknown.body()).get("type").asText()).endsWith("/unknown-referral");

        for (String key : new String[] {null, "not-a-key", "dev-key-france-travail-disabled"}) {
            HttpResponse<String> anonymous = get(key, referralId);
            assertThat(anonymous.statusCode()).as("key %s", key).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(JSON.readTree(anonymous.body()).get("type").asText()).endsWith("/unauthenticated");
        }
        assertThat(get(PartnerApi.FRANCE_TRAVAIL_93, referralId).statusCode()).isEqualTo(200);
        assertThat(get(ADIL_93, referralId).statusCode()).isEqualTo(200);
        HttpResponse<String> byHeader = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/api/v1/referrals/" + referralId)).header("X-API-Key", ADIL_93).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(byHeader.statusCode()).as("the key in X-API-Key, as on the other endpoints").isEqualTo(200);
        assertThat(byHeader.headers().firstValue("X-API-Key")).as("request headers are not echoed").isEmpty();
    }

    @Test
    void shouldShowACancellationWithItsReason() throws Exception {
        assertThat(report(ADIL_93, "ACCEPTED")).isEqualTo(202);
        HttpResponse<String> cancelled = PartnerApi.post(port, Samples.text("employment-agency/ft-orientation-annulee.json")
                .replace("FT-93066-2026-11-000131", "FT-TIMELINE-CANCEL-" + UUID.randomUUID())
                .replace(SAMPLE_EVENT_ID, creationEventId));
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);

        JsonNode timeline = awaitTimeline(PartnerApi.FRANCE_TRAVAIL_93, t -> has(t, "CANCELLED"));

        assertThat(timeline.at("/status/overall").asText()).isEqualTo("CANCELLED");
        JsonNode cancellation = line(timeline.get("history"), "CANCELLED", null);
        assertThat(cancellation.get("reasonCode").asText()).isEqualTo("DOUBLON");
        assertThat(cancellation.at("/who/id").asText()).isEqualTo("france-travail-93");
        assertThat(timeline.at("/status/since").asText()).isEqualTo(cancellation.get("at").asText());
        assertThat(timeline.toString()).as("the referrer's free-text comment is never shown")
                .doesNotContain("Orientation saisie deux fois");

        JsonNode serviceView = awaitTimeline(ADIL_93, t -> has(t, "CANCELLED"));
        assertThat(serviceView.at("/status/overall").asText()).isEqualTo("CANCELLED");
        assertThat(line(serviceView.get("history"), "CANCELLED", null).get("reasonCode").asText()).isEqualTo("DOUBLON");
    }

    private JsonNode awaitTimeline(String apiKey, java.util.function.Predicate<JsonNode> condition) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> answer = get(apiKey, referralId);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            return JSON.readTree(answer.body());
        }, condition);
    }

    private static List<String> statusesIn(JsonNode timeline) {
        List<String> statuses = new ArrayList<>();
        timeline.get("history").forEach(line -> {
            if (line.get("what").asText().equals("STATUS_CHANGED")) {
                statuses.add(line.get("serviceId").asText() + " " + line.get("status").asText());
            }
        });
        return statuses;
    }

    private static boolean has(JsonNode timeline, String what) {
        for (JsonNode line : timeline.get("history")) {
            if (line.get("what").asText().equals(what)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode line(JsonNode history, String what, String status) {
        for (JsonNode line : history) {
            if (line.get("what").asText().equals(what) && (status == null || status.equals(line.path("status").asText()))) {
                return line;
            }
        }
        throw new AssertionError("no " + what + " " + status + " line in " + history);
    }

    private static JsonNode serviceStatus(JsonNode timeline, String serviceId) {
        for (JsonNode service : timeline.at("/status/services")) {
            if (service.get("serviceId").asText().equals(serviceId)) {
                return service;
            }
        }
        throw new AssertionError("no status at " + serviceId + " in " + timeline);
    }

    private int report(String apiKey, String status) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/referrals/"
                        + referralId + "/status"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofString("{\"statusEventId\": \"" + UUID.randomUUID()
                        + "\", \"status\": \"" + status + "\"}"))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private HttpResponse<String> get(String apiKey, String referral) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/referrals/"
                + referral)).GET();
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
