package fr.referralhub.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.avro.CounsellingNotice;
import fr.referralhub.avro.CounsellingReferral;
import fr.referralhub.avro.FeedbackKind;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.avro.ReferralStatus;
import fr.referralhub.avro.ReferralStatusChange;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.state.ReferralStateReads;
import fr.referralhub.testing.ExpiryChecks;
import fr.referralhub.testing.MovableClock;
import fr.referralhub.testing.MovedClockHubTest;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.HubTopicProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Expiry on the whole hub, a real broker and a clock the test moves forward ({@link MovedClockHubTest}: a hub shared
 * only with the other expiry tests, since moving time ages every referral of the hub). Assertions are on this test's
 * referrals only, and delays count from their own delivery, whatever the clock showed before. After each move of the
 * clock the test waits until the referral state checked every partition up to the new time (it checks every 200 ms
 * in this hub), so "nothing yet" is asserted after a check, not before one. France Travail 93's
 * sample referral goes to adil-93 (subscription adil-93-logement) and to action-logement-idf
 * (action-logement-idf-visale: the person is eligible to Visale).
 */
@MovedClockHubTest
class ReferralExpiryFlowTest {

    private static final String SAMPLE_EVENT_ID = "FT-93066-2026-11-000123";
    private static final String FEEDBACK = "feedback.france-travail-93";
    private static final String ADIL_93 = "adil-93";
    private static final String ACTION_LOGEMENT = "action-logement-idf";
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
    MovableClock clock;
    @Autowired
    ReferralStateReads referralState;
    @Autowired
    ReferralExpiry expiry;
    @Autowired
    MeterRegistry meters;

    @Test
    void shouldRemindOnceThenExpireTheReferralsNoServiceActedOn() throws Exception {
        String waiting = refer();
        String accepted = refer();
        String cancelled = refer();
        // RECEIVED only acknowledges: the referral is still waiting for a decision.
        assertThat(report("dev-key-action-logement-idf", waiting, "RECEIVED").statusCode()).isEqualTo(202);
        assertThat(report("dev-key-adil-93", accepted, "ACCEPTED").statusCode()).isEqualTo(202);
        cancel(cancelled);
        double remindersBefore = count("hub.expiry.reminders");

        clock.advance(Duration.ofDays(9));
        sweep();
        assertThat(notices(ADIL_93, waiting)).as("nothing before 10 days").isEmpty();
        assertThat(feedback(waiting, FeedbackKind.REMINDER)).isEmpty();

        clock.advance(Duration.ofDays(1));
        sweep();
        ReferralFeedback reminder = feedback(waiting, FeedbackKind.REMINDER).get(0);
        assertThat(feedback(waiting, FeedbackKind.REMINDER)).hasSize(1);
        assertThat(reminder.getReasonText()).startsWith("Relance : aucun service d'accompagnement n'a encore donné suite")
                .contains("10 jours").contains("30 jours");
        assertThat(reminder.getServiceId()).isNull();
        assertThat(reminder.getPartnerEventId()).startsWith("FT-EXPIRY-");
        for (String service : List.of(ADIL_93, ACTION_LOGEMENT)) {
            List<CounsellingReferral> told = notices(service, waiting);
            assertThat(told).as("reminder notice to %s", service).hasSize(1);
            assertThat(told.get(0).getNotice()).isEqualTo(CounsellingNotice.REMINDER);
            assertThat(told.get(0).getProfile()).as("a notice carries no referral content").isEmpty();
            assertThat(told.get(0).getHomeCommune()).isNull();
            assertThat(told.get(0).getAge()).isNull();
        }
        assertThat(notices(ADIL_93, accepted)).as("a service acted").isEmpty();
        assertThat(notices(ACTION_LOGEMENT, accepted)).as("another service acted on it").isEmpty();
        assertThat(notices(ADIL_93, cancelled)).as("cancelled by the referrer").isEmpty();
        assertThat(feedback(accepted, FeedbackKind.REMINDER)).isEmpty();
        assertThat(feedback(cancelled, FeedbackKind.REMINDER)).isEmpty();
        assertThat(count("hub.expiry.reminders") - remindersBefore).isEqualTo(1.0);

        sweep();
        clock.advance(Duration.ofDays(1));
        sweep();
        assertThat(feedback(waiting, FeedbackKind.REMINDER)).as("reminded once").hasSize(1);
        assertThat(notices(ADIL_93, waiting)).hasSize(1);

        clock.advance(Duration.ofDays(19));
        sweep();
        for (String service : List.of(ADIL_93, ACTION_LOGEMENT)) {
            assertThat(statusAt(waiting, service)).isEqualTo(ReferralStatus.EXPIRED);
            assertThat(notices(service, waiting)).extracting(CounsellingReferral::getNotice)
                    .containsExactly(CounsellingNotice.REMINDER, CounsellingNotice.EXPIRED);
        }
        List<ReferralStatusChange> expiries = changes(waiting).stream()
                .filter(c -> c.getStatus() == ReferralStatus.EXPIRED).toList();
        assertThat(expiries).extracting(ReferralStatusChange::getChannel).containsOnly("HUB");
        assertThat(expiries).extracting(ReferralStatusChange::getStatusEventId).containsExactlyInAnyOrder(
                "expiry:" + waiting + ":" + ADIL_93, "expiry:" + waiting + ":" + ACTION_LOGEMENT);
        assertThat(expiries).extracting(ReferralStatusChange::getPreviousStatus)
                .containsExactlyInAnyOrder(ReferralStatus.REQUESTED, ReferralStatus.RECEIVED);

        List<ReferralFeedback> expired = await().atMost(Duration.ofSeconds(30))
                .until(() -> feedback(waiting, FeedbackKind.EXPIRED), found -> found.size() >= 2);
        assertThat(expired).hasSize(2);
        assertThat(expired).extracting(ReferralFeedback::getServiceId).containsExactlyInAnyOrder(ADIL_93, ACTION_LOGEMENT);
        assertThat(expired).allSatisfy(f -> {
            assertThat(f.getStatus()).isEqualTo("EXPIRED");
            assertThat(f.getReasonText()).startsWith("Expirée : le service n'a pas donné suite");
        });
        assertThat(feedback(waiting, FeedbackKind.STATUS_CHANGED)).extracting(ReferralFeedback::getStatus)
                .as("the hub's EXPIRED is not told as a service's change").containsExactly("RECEIVED");

        HttpResponse<String> late = report("dev-key-adil-93", waiting, "ACCEPTED");
        assertThat(late.statusCode()).as(late.body()).isEqualTo(422);
        assertThat(JSON.readTree(late.body()).at("/errors/0/reason").asText())
                .contains("already EXPIRED at this service, a final status");

        assertThat(statusAt(accepted, ADIL_93)).isEqualTo(ReferralStatus.ACCEPTED);
        assertThat(statusAt(accepted, ACTION_LOGEMENT)).as("one service acted: never expires")
                .isEqualTo(ReferralStatus.REQUESTED);
        assertThat(changes(cancelled)).as("cancelled: never expires").isEmpty();
        assertThat(meters.find("hub.expiry.expirations").tag("service", ADIL_93).counter()).isNotNull()
                .extracting(Counter::count).isEqualTo(1.0);

        clock.advance(Duration.ofDays(1));
        sweep();
        assertThat(changes(waiting)).as("a later check changes nothing").hasSize(3);
        assertThat(notices(ADIL_93, waiting)).hasSize(2);
    }

    /** Submits France Travail 93's sample referral under a new id; returns once both services have it. */
    private String refer() throws Exception {
        String eventId = "FT-EXPIRY-" + UUID.randomUUID();
        HttpResponse<String> answer = PartnerApi.post(port,
                Samples.text("employment-agency/ft-orientation-mobili-jeune.json").replace(SAMPLE_EVENT_ID, eventId));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        String referralId = JSON.readTree(answer.body()).get("referralId").asText();
        // Routed in the transaction that accepted it.
        assertThat(referralState.summary(referralId).orElseThrow().deliveredTo())
                .containsExactlyInAnyOrder(ADIL_93, ACTION_LOGEMENT);
        return referralId;
    }

    private void cancel(String referralId) throws Exception {
        String creationEventId = referralState.summary(referralId).orElseThrow().creationEventId();
        HttpResponse<String> answer = PartnerApi.post(port, Samples.text("employment-agency/ft-orientation-annulee.json")
                .replace("FT-93066-2026-11-000131", "FT-EXPIRY-CANCEL-" + UUID.randomUUID())
                .replace(SAMPLE_EVENT_ID, creationEventId));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        // The ledger recorded the cancellation before the 202.
        assertThat(referralState.summary(referralId).orElseThrow().cancelled()).isTrue();
    }

    private void sweep() {
        ExpiryChecks.awaitCheckOfNow(expiry, clock);
    }

    private ReferralStatus statusAt(String referral, String service) {
        return referralState.summary(referral).orElseThrow().statusAt(service);
    }

    private HttpResponse<String> report(String apiKey, String referralId, String status) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/referrals/" + referralId
                        + "/status"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofString("{\"statusEventId\": \"" + UUID.randomUUID()
                        + "\", \"status\": \"" + status + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<CounsellingReferral> notices(String serviceId, String referralId) {
        return this.<CounsellingReferral>records("counselling." + serviceId, referralId).stream()
                .filter(r -> r.getNotice() != null).toList();
    }

    private List<ReferralFeedback> feedback(String referralId, FeedbackKind kind) {
        return this.<ReferralFeedback>records(FEEDBACK, referralId).stream().filter(f -> f.getKind() == kind).toList();
    }

    private List<ReferralStatusChange> changes(String referralId) {
        return records(topics.referralStatusChanges(), referralId);
    }

    @SuppressWarnings("unchecked")
    private <T> List<T> records(String topic, String referralId) {
        AvroDeserializer avro = registry.specificDeserializer();
        return TopicReader.readToEnd(bootstrapServers, topic, r -> referralId.equals(r.key())).stream()
                .map(ConsumerRecord::value).map(value -> (T) avro.deserialize(topic, value)).toList();
    }

    private double count(String name) {
        return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }
}
