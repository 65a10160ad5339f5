package fr.referralhub.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.avro.FeedbackKind;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.avro.ReferralStatus;
import fr.referralhub.avro.ReferralStatusChange;
import fr.referralhub.operations.ConsumerLagMetrics;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.state.ReferralStateReads;
import fr.referralhub.state.ReferralSummary;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.HubTopicProperties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Statuses back from counselling services, on the whole hub and a real broker. Each test submits its own referral
 * through the partner API as France Travail 93 (Saint-Denis, a housing need: the dev subscription adil-93-logement
 * delivers it to adil-93), waits until adil-93 has it, then reports as adil-93 with its dev key.
 */
@HubTest
class StatusReportsFlowTest {

    private static final String ADIL_93 = "dev-key-adil-93";
    private static final String CLLAJ_LYON = "dev-key-cllaj-lyon";
    private static final String SAMPLE_EVENT_ID = "FT-93066-2026-11-000123";
    private static final String REFERRER_FEEDBACK = "feedback.france-travail-93";
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
    ConsumerLagMetrics consumerLag;

    String referralId;
    String creationEventId;

    @BeforeEach
    void referAPersonToAdil93() throws Exception {
        creationEventId = "FT-STATUS-" + UUID.randomUUID();
        referralId = referToAdil93(creationEventId);
    }

    /** The referral's id, once adil-93 has it. */
    private String referToAdil93(String eventId) throws Exception {
        HttpResponse<String> accepted = PartnerApi.post(port,
                Samples.text("employment-agency/ft-orientation-mobili-jeune.json").replace(SAMPLE_EVENT_ID, eventId));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String referral = JSON.readTree(accepted.body()).get("referralId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> !TopicReader.readToEnd(bootstrapServers, "counselling.adil-93",
                r -> referral.equals(r.key())).isEmpty());
        return referral;
    }

    @Test
    void shouldTellTheReferrerOfEachReferralWhoseReportHasTheSameIdAsAnothersOfTheService() throws Exception {
        // A service's event ids need only be unique per referral: a case number, "dossier-ouvert"...
        String other = referToAdil93("FT-STATUS-" + UUID.randomUUID());
        String body = "{\"statusEventId\": \"dossier-ouvert\", \"status\": \"RECEIVED\"}";
        HttpResponse<String> first = report(ADIL_93, referralId, body);
        HttpResponse<String> second = report(ADIL_93, other, body);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(202);
        assertThat(JSON.readTree(second.body()).get("changeId").asText())
                .isNotEqualTo(JSON.readTree(first.body()).get("changeId").asText());

        // Each referrer de-duplicates on feedbackId (a feedback webhook's X-Hub-Delivery-Id): both must come through.
        List<ReferralFeedback> both = await().atMost(Duration.ofSeconds(30)).until(() -> TopicReader.readToEnd(
                        bootstrapServers, REFERRER_FEEDBACK, r -> referralId.equals(r.key()) || other.equals(r.key()))
                .stream().map(r -> (ReferralFeedback) decode(r))
                .filter(f -> f.getKind() == FeedbackKind.STATUS_CHANGED).toList(), found -> found.size() >= 2);
        assertThat(both).extracting(ReferralFeedback::getReferralId).containsExactlyInAnyOrder(referralId, other);
        assertThat(both).extracting(ReferralFeedback::getFeedbackId).doesNotHaveDuplicates();
    }

    @Test
    void shouldTakeAReferralThroughItsLifeAndTellTheReferrerEveryChange() throws Exception {
        List<String> lifeCycle = List.of("RECEIVED", "ACCEPTED", "IN_PROGRESS", "COMPLETED");
        String previous = "REQUESTED";
        for (String status : lifeCycle) {
            HttpResponse<String> answer = report(ADIL_93, referralId, "{\"statusEventId\": \"" + UUID.randomUUID()
                    + "\", \"status\": \"" + status + "\", \"occurredAt\": \"2026-11-23T10:15:00+01:00\"}");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            JsonNode body = JSON.readTree(answer.body());
            assertThat(body.get("previousStatus").asText()).isEqualTo(previous);
            assertThat(body.get("status").asText()).isEqualTo(status);
            assertThat(body.get("serviceId").asText()).isEqualTo("adil-93");
            previous = status;
        }

        List<ReferralFeedback> feedback = awaitFeedback(FeedbackKind.STATUS_CHANGED, 4);
        assertThat(feedback).extracting(ReferralFeedback::getStatus).containsExactlyElementsOf(lifeCycle);
        assertThat(feedback).allSatisfy(f -> {
            assertThat(f.getServiceId()).isEqualTo("adil-93");
            assertThat(f.getPartnerEventId()).isEqualTo(creationEventId);
            assertThat(f.getReasonText()).isNotBlank();
        });
        assertThat(feedback.get(3).getReasonText()).isEqualTo("Accompagnement terminé.");

        List<ReferralStatusChange> changes = changes();
        assertThat(changes).extracting(ReferralStatusChange::getStatus).containsExactly(ReferralStatus.RECEIVED,
                ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED);
        assertThat(changes.get(0).getOccurredAt()).hasToString("2026-11-23T09:15:00Z");
        assertThat(changes.get(0).getReferrerPartnerId()).isEqualTo("france-travail-93");

        HttpResponse<String> backwards = report(ADIL_93, referralId,
                "{\"statusEventId\": \"" + UUID.randomUUID() + "\", \"status\": \"IN_PROGRESS\"}");
        assertThat(backwards.statusCode()).as(backwards.body()).isEqualTo(422);
        assertThat(backwards.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(backwards.body());
        assertThat(problem.get("type").asText()).endsWith("/impossible-status-change");
        assertThat(problem.at("/errors/0/field").asText()).isEqualTo("status");
        assertThat(problem.at("/errors/0/reason").asText()).contains("COMPLETED -> IN_PROGRESS");
        assertThat(changes()).as("a refused change is not written").hasSize(4);
    }

    @Test
    void shouldTellTheReferrerWhyAServiceRejectedAndRefuseLaterChanges() throws Exception {
        HttpResponse<String> rejected = report(ADIL_93, referralId, "{\"statusEventId\": \"rej-" + UUID.randomUUID()
                + "\", \"status\": \"REJECTED\", \"reasonCode\": \"HORS_TERRITOIRE\", \"comment\": \"hors 93\"}");
        assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(202);

        ReferralFeedback feedback = awaitFeedback(FeedbackKind.STATUS_CHANGED, 1).get(0);
        assertThat(feedback.getStatus()).isEqualTo("REJECTED");
        assertThat(feedback.getReasonCode()).isEqualTo("HORS_TERRITOIRE");
        assertThat(feedback.getReasonText()).isEqualTo("Refusée : la personne n'habite pas le territoire du service.");

        HttpResponse<String> accepted = report(ADIL_93, referralId,
                "{\"statusEventId\": \"" + UUID.randomUUID() + "\", \"status\": \"ACCEPTED\"}");
        assertThat(accepted.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(accepted.body()).at("/errors/0/reason").asText()).contains("REJECTED -> ACCEPTED");
    }

    @Test
    void shouldNeverRepeatAValueOfARefusedReport() throws Exception {
        // A service's system that put a person's name where a code goes: the reasons reach logs, dead-letter headers
        // and operators' lists in clear, so they say what is wrong, never what was sent.
        for (String body : List.of(
                "{\"statusEventId\": \"n-1\", \"status\": \"REJECTED\", \"reasonCode\": \"DUBOIS Léa a déménagé\"}",
                "{\"statusEventId\": \"n-2\", \"status\": \"DUBOIS Léa\"}",
                "{\"statusEventId\": \"n-3\", \"status\": \"RECEIVED\", \"occurredAt\": \"DUBOIS née le 03/07/2005\"}",
                "{\"statusEventId\": \"n-4\", \"status\": DUBOIS}")) {
            HttpResponse<String> refused = report(ADIL_93, referralId, body);
            assertThat(refused.statusCode()).as(body).isBetween(400, 422);
            assertThat(refused.body()).as(body).doesNotContain("DUBOIS").doesNotContain("2005");
        }
        HttpResponse<String> unknown = report(ADIL_93, "DUBOIS-Lea", "{\"statusEventId\": \"n-5\", \"status\": \"RECEIVED\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("errors").toString()).doesNotContain("DUBOIS");
    }

    @Test
    void shouldRefuseABodyNestedPastTheJsonParsersLimit() throws Exception {
        // Within the 16 KiB a report may have, but deeper than the parser goes: refused, not a 500.
        HttpResponse<String> nested = report(ADIL_93, referralId, "[".repeat(5000) + "]".repeat(5000));
        assertThat(nested.statusCode()).as(nested.body()).isEqualTo(400);
        assertThat(JSON.readTree(nested.body()).at("/errors/0/field").asText()).isEqualTo("body");
    }

    @Test
    void shouldRefuseReportsThatBreakTheContractFieldByField() throws Exception {
        HttpResponse<String> noReason = report(ADIL_93, referralId,
                "{\"statusEventId\": \"a-1\", \"status\": \"REJECTED\"}");
        assertThat(noReason.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(noReason.body()).at("/errors/0/field").asText()).isEqualTo("reasonCode");
        assertThat(JSON.readTree(noReason.body()).at("/errors/0/reason").asText()).contains("required for REJECTED");

        HttpResponse<String> holdNoReason = report(ADIL_93, referralId, "{\"statusEventId\": \"a-2\", \"status\": \"ON_HOLD\"}");
        assertThat(holdNoReason.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(holdNoReason.body()).at("/errors/0/field").asText()).isEqualTo("reasonCode");

        HttpResponse<String> cancelled = report(ADIL_93, referralId,
                "{\"statusEventId\": \"a-3\", \"status\": \"CANCELLED\", \"reasonCode\": \"DOUBLON\"}");
        assertThat(cancelled.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(cancelled.body()).at("/errors/0/reason").asText()).contains("referrer");

        HttpResponse<String> several = report(ADIL_93, referralId,
                "{\"status\": \"DONE\", \"occurredAt\": \"yesterday\", \"colour\": \"red\"}");
        assertThat(several.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(several.body()).get("errors").findValuesAsText("field"))
                .containsExactlyInAnyOrder("colour", "statusEventId", "status", "occurredAt");

        assertThat(report(ADIL_93, referralId, "{not json").statusCode()).isEqualTo(400);
        assertThat(changes()).as("nothing refused is written").isEmpty();
    }

    @Test
    void shouldAnswerOnlyTheServicesTheReferralWasDeliveredTo() throws Exception {
        String body = "{\"statusEventId\": \"" + UUID.randomUUID() + "\", \"status\": \"RECEIVED\"}";
        HttpResponse<String> notDelivered = report(CLLAJ_LYON, referralId, body);
        HttpResponse<String> unknown = report(ADIL_93, UUID.randomUUID().toString(), body);
        assertThat(notDelivered.statusCode()).isEqualTo(404);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(notDelivered.body()).get("title")).isEqualTo(JSON.readTree(unknown.body()).get("title"));

        HttpResponse<String> anonymous = report(null, referralId, body);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(report("not-a-key", referralId, body).statusCode()).isEqualTo(401);
        assertThat(report(PartnerApi.FRANCE_TRAVAIL_93, referralId, body).statusCode()).as("a referrer's key").isEqualTo(403);
        assertThat(changes()).isEmpty();
    }

    @Test
    void shouldAnswerAResentReportTheSameAndRecordItOnce() throws Exception {
        String statusEventId = "adil-" + UUID.randomUUID();
        String body = "{\"statusEventId\": \"" + statusEventId + "\", \"status\": \"ON_HOLD\", \"reasonCode\": \"LISTE_ATTENTE\"}";
        HttpResponse<String> first = report(ADIL_93, referralId, body);
        HttpResponse<String> again = report(ADIL_93, referralId, body);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(first.body());

        HttpResponse<String> otherContent = report(ADIL_93, referralId,
                "{\"statusEventId\": \"" + statusEventId + "\", \"status\": \"ACCEPTED\"}");
        assertThat(otherContent.statusCode()).isEqualTo(409);
        assertThat(changes()).hasSize(1);
        assertThat(awaitFeedback(FeedbackKind.STATUS_CHANGED, 1).get(0).getReasonCode()).isEqualTo("LISTE_ATTENTE");
        // The changes are written in transactions: once the feedback route read them all, operators see no lag (the
        // commit marker after the last change takes an offset but is nothing left to read).
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            consumerLag.refresh();
            assertThat(consumerLag.lag("referral-hub-status-feedback", topics.referralStatusChanges())).isZero();
        });
    }

    @Test
    void shouldTellTheReferrerTheEligibilityDecision() throws Exception {
        ReferralFeedback decision = awaitFeedback(FeedbackKind.DECISION, 1).get(0);
        assertThat(decision.getPartnerEventId()).isEqualTo(creationEventId);
        assertThat(decision.getReasonText()).contains("MOBILI_JEUNE");
        assertThat(decision.getServiceId()).isNull();
    }

    @Test
    void shouldRefuseChangesOnceTheReferrerCancelled() throws Exception {
        HttpResponse<String> cancelled = PartnerApi.post(port, Samples.text("employment-agency/ft-orientation-annulee.json")
                .replace("FT-93066-2026-11-000131", "FT-STATUS-CANCEL-" + UUID.randomUUID())
                .replace(SAMPLE_EVENT_ID, creationEventId));
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);

        HttpResponse<String> received = report(ADIL_93, referralId,
                "{\"statusEventId\": \"" + UUID.randomUUID() + "\", \"status\": \"RECEIVED\"}");
        assertThat(received.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(received.body()).at("/errors/0/reason").asText()).contains("CANCELLED -> RECEIVED");
    }

    @Test
    void shouldKeepTheStatusesInTheReferralState() throws Exception {
        String receivedId = "r-" + UUID.randomUUID();
        String received = "{\"statusEventId\": \"" + receivedId + "\", \"status\": \"RECEIVED\"}";
        HttpResponse<String> first = report(ADIL_93, referralId, received);
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(report(ADIL_93, referralId, "{\"statusEventId\": \"a-" + UUID.randomUUID()
                + "\", \"status\": \"ACCEPTED\"}").statusCode()).isEqualTo(202);

        ReferralSummary state = referralState.summary(referralId).orElseThrow();
        assertThat(state.statusAt("adil-93")).isEqualTo(ReferralStatus.ACCEPTED);
        assertThat(state.statusAt("cllaj-lyon")).isEqualTo(ReferralStatus.REQUESTED);
        // The first report, sent again after a later change, still gets its own answer.
        HttpResponse<String> again = report(ADIL_93, referralId, received);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(again.body())).isEqualTo(JSON.readTree(first.body()));
    }

    @Test
    void shouldJudgeTwoReportsSentAtOnceOneAfterTheOtherAndTellTheReferrerOnlyTheOneThatStood() throws Exception {
        // Two reports on the same (referral, service) at the same moment: the referral state judges them in the order
        // they reach it, so the second is judged from the first's status, whichever instance received it.
        CompletableFuture<HttpResponse<String>> accepted = reportAsync(ADIL_93, referralId,
                "{\"statusEventId\": \"race-a-" + UUID.randomUUID() + "\", \"status\": \"ACCEPTED\"}");
        CompletableFuture<HttpResponse<String>> rejected = reportAsync(ADIL_93, referralId,
                "{\"statusEventId\": \"race-r-" + UUID.randomUUID()
                        + "\", \"status\": \"REJECTED\", \"reasonCode\": \"HORS_TERRITOIRE\"}");
        List<HttpResponse<String>> answers = List.of(accepted.join(), rejected.join());
        assertThat(answers).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(202, 422);
        String stood = answers.get(0).statusCode() == 202 ? "ACCEPTED" : "REJECTED";

        assertThat(changes()).extracting(change -> change.getStatus().name()).containsExactly(stood);
        assertThat(awaitFeedback(FeedbackKind.STATUS_CHANGED, 1)).extracting(ReferralFeedback::getStatus)
                .containsExactly(stood);
    }

    @Test
    void shouldTakeReportsPublishedOnTheServicesTopicAndDeadLetterTheRefusedOnes() throws Exception {
        List<String> lifeCycle = List.of("RECEIVED", "ACCEPTED", "IN_PROGRESS", "COMPLETED");
        for (String status : lifeCycle) {
            publishStatus("{\"referralId\": \"" + referralId + "\", \"statusEventId\": \"k-" + UUID.randomUUID()
                    + "\", \"status\": \"" + status + "\"}");
        }
        String impossibleId = "k-impossible-" + UUID.randomUUID();
        publishStatus("{\"referralId\": \"" + referralId + "\", \"statusEventId\": \"" + impossibleId
                + "\", \"status\": \"ACCEPTED\"}");

        List<ReferralFeedback> feedback = awaitFeedback(FeedbackKind.STATUS_CHANGED, 4);
        assertThat(feedback).extracting(ReferralFeedback::getStatus).containsExactlyElementsOf(lifeCycle);
        assertThat(changes()).extracting(ReferralStatusChange::getChannel).containsOnly("KAFKA");

        ConsumerRecord<String, byte[]> deadLetter = await().atMost(Duration.ofSeconds(30)).until(
                () -> TopicReader.readToEnd(bootstrapServers, topics.deadLetters(), r -> referralId.equals(r.key()))
                        .stream().findFirst(), java.util.Optional::isPresent).orElseThrow();
        assertThat(TopicReader.header(deadLetter, "hub.dead-letter.reasons")).contains("COMPLETED -> ACCEPTED");
        assertThat(changes()).as("the refused report changed nothing").hasSize(4);
    }

    private void publishStatus(String json) throws Exception {
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.<String, Object>of(
                org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("status.adil-93", referralId, json)).get();
        }
    }

    private HttpResponse<String> report(String apiKey, String referral, String json) throws Exception {
        return reportAsync(apiKey, referral, json).join();
    }

    private CompletableFuture<HttpResponse<String>> reportAsync(String apiKey, String referral, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/referrals/"
                        + referral + "/status"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<ReferralFeedback> awaitFeedback(FeedbackKind kind, int count) {
        List<ReferralFeedback> found = await().atMost(Duration.ofSeconds(30)).until(() -> feedbackOf(kind),
                records -> records.size() >= count);
        assertThat(found).hasSize(count);
        return found;
    }

    private List<ReferralFeedback> feedbackOf(FeedbackKind kind) {
        return TopicReader.readToEnd(bootstrapServers, REFERRER_FEEDBACK, r -> referralId.equals(r.key())).stream()
                .map(r -> (ReferralFeedback) decode(r)).filter(f -> f.getKind() == kind).toList();
    }

    private List<ReferralStatusChange> changes() {
        return TopicReader.readToEnd(bootstrapServers, topics.referralStatusChanges(), r -> referralId.equals(r.key()))
                .stream().map(r -> (ReferralStatusChange) decode(r)).toList();
    }

    private Object decode(ConsumerRecord<String, byte[]> record) {
        AvroDeserializer avro = registry.specificDeserializer();
        return avro.deserialize(record.topic(), record.value());
    }
}
