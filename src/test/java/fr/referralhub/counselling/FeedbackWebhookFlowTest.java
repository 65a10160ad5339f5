package fr.referralhub.counselling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntUnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.counselling.WebhookReceiver.Received;
import fr.referralhub.counselling.webhook.FeedbackWebhookSender;
import fr.referralhub.counselling.webhook.WebhookSignature;
import fr.referralhub.operations.DeadLetter;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.state.IntakeSubmissions;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.TopicReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Feedback webhooks on the whole hub and a real broker: the dev partner mission-locale-marseille declares one
 * (partners-dev.yaml) whose URL the test points at its receiver (HUB_DEV_FEEDBACK_WEBHOOK_URL, so this class runs a
 * hub of its own, closed after the class). Every feedback on feedback.mission-locale-marseille is POSTed signed, retried, dead-lettered after
 * the last attempt and replayable; partners without a webhook are not read at all. The referral events are held ones
 * (person not informed): the hub answers them with a feedback at once, no subscription needed.
 */
@HubTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class FeedbackWebhookFlowTest {

    private static final String PARTNER = "mission-locale-marseille";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** What the receiver answers to its n-th request (1-based over the whole class); set by each test. */
    private static volatile IntUnaryOperator answers = attempt -> 200;
    private static final WebhookReceiver RECEIVER;

    static {
        try {
            RECEIVER = WebhookReceiver.answering(attempt -> answers.applyAsInt(attempt));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void feedbackWebhook(DynamicPropertyRegistry registry) {
        registry.add("HUB_DEV_FEEDBACK_WEBHOOK_URL", () -> RECEIVER.url());
        // This hub is a second one in the test JVM: its file-drop route must not take the files of the others'.
        registry.add("hub.intake.file-drops.root", () -> "target/test-file-drops-feedback-webhook");
    }

    @AfterAll
    static void stopReceiver() {
        RECEIVER.close();
    }

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Autowired
    SchemaRegistryProperties registry;
    @Autowired
    IntakeSubmissions submissions;
    @Value("${hub.topics.dead-letters}")
    String deadLettersTopic;
    @Autowired
    MeterRegistry meters;

    CounsellingHub hub;
    /** Requests the receiver had before this test. */
    int before;

    @BeforeEach
    void connect() {
        hub = new CounsellingHub(port, bootstrapServers, registry, submissions);
        before = RECEIVER.received().size();
    }

    /** A referral of the partner whose person was not informed: the hub tells the partner HELD_NOT_INFORMED. */
    private ReferralFeedback heldFeedbackOf(String partner) throws Exception {
        ReferralEvent held = Referrals.complete(partner).setPersonInformed(false).setPersonInformedOn(null).build();
        hub.publish(held, held.getPerson().getPersonReference());
        return hub.awaitFeedback(partner, held.getReferralId(), 1).get(0);
    }

    /** This test's requests about one feedback. */
    private List<Received> requestsFor(ReferralFeedback feedback, int count) {
        return await().atMost(PATIENCE).until(() -> RECEIVER.received().stream().skip(before)
                .filter(r -> feedback.getFeedbackId().equals(r.header(WebhookSignature.DELIVERY_ID))).toList(),
                found -> found.size() >= count);
    }

    private double deliveries(String result) {
        Counter counter = meters.find(FeedbackWebhookSender.METRIC).tag("partner", PARTNER).tag("result", result)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void shouldPostEveryFeedbackOfThePartnerSignedAndRetryUntilAccepted() throws Exception {
        answers = attempt -> attempt - before == 1 ? 503 : 200;
        double delivered = deliveries("delivered");
        double failed = deliveries("failed");

        ReferralFeedback feedback = heldFeedbackOf(PARTNER);

        List<Received> requests = requestsFor(feedback, 2);
        assertThat(requests).hasSize(2).allMatch(Received::signatureValid);
        assertThat(requests).extracting(r -> r.header(WebhookSignature.ATTEMPT)).containsExactly("1", "2");
        assertThat(requests.get(1).header(FeedbackWebhookSender.PARTNER_ID)).isEqualTo(PARTNER);
        JsonNode body = JSON.readTree(requests.get(1).body());
        assertThat(body.get("feedbackId").asText()).isEqualTo(feedback.getFeedbackId());
        assertThat(body.get("referralId").asText()).isEqualTo(feedback.getReferralId());
        assertThat(body.get("kind").asText()).isEqualTo("HELD_NOT_INFORMED");
        assertThat(body.get("reasonText").asText()).isEqualTo(feedback.getReasonText());
        // The referral's eligibility DECISION follows the hold on the same topic, and is delivered too (at once).
        await().atMost(PATIENCE).until(() -> deliveries("delivered") >= delivered + 1);
        assertThat(deliveries("failed")).isEqualTo(failed + 1);
    }

    @Test
    void shouldReadOnlyTheFeedbackTopicsOfPartnersWithAWebhook() throws Exception {
        answers = attempt -> 200;
        // A registered partner without a feedback webhook (partners-dev.yaml): the referral state decides only
        // registered partners' events.
        String other = "france-travail-93";
        heldFeedbackOf(other);
        ReferralFeedback ours = heldFeedbackOf(PARTNER);
        requestsFor(ours, 1);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(FeedbackWebhookSender.GROUP)
                    .partitionsToOffsetAndMetadata().get();
            assertThat(committed.keySet()).extracting(TopicPartition::topic).containsOnly("feedback." + PARTNER);
        }
        assertThat(RECEIVER.received()).noneMatch(r -> other.equals(r.header(FeedbackWebhookSender.PARTNER_ID)));
    }

    @Test
    void shouldDeadLetterAfterTheLastAttemptAndDeliverItAgainWhenReplayed() throws Exception {
        answers = attempt -> 503;
        double deadLettered = deliveries("dead_lettered");
        ReferralFeedback feedback = heldFeedbackOf(PARTNER);

        ConsumerRecord<String, byte[]> deadLetter = await().atMost(PATIENCE).until(() -> TopicReader.readToEnd(
                        bootstrapServers, deadLettersTopic, r -> feedback.getReferralId().equals(r.key())),
                found -> !found.isEmpty()).get(0);
        assertThat(requestsFor(feedback, 4)).hasSize(4);
        assertThat(TopicReader.header(deadLetter, "__connect.errors.connector.name"))
                .isEqualTo(FeedbackWebhookSender.ROUTE);
        assertThat(TopicReader.header(deadLetter, "__connect.errors.topic")).isEqualTo("feedback." + PARTNER);
        assertThat(TopicReader.header(deadLetter, "__connect.errors.exception.message"))
                .contains("after 4 attempts").contains("HTTP 503");
        assertThat(TopicReader.header(deadLetter, "hub.partner-id")).isEqualTo(PARTNER);
        // Its eligibility DECISION, which follows on the same topic, is dead-lettered too.
        await().atMost(PATIENCE).until(() -> deliveries("dead_lettered") >= deadLettered + 1);

        // The receiver is back: the operator replays; the same feedback arrives, with fresh attempts.
        answers = attempt -> 200;
        HttpResponse<String> replayed = hub.replayDeadLetter(DeadLetter.idOf(deadLetter.partition(),
                deadLetter.offset()));
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
        assertThat(JSON.readTree(replayed.body()).get("outcome").asText()).isEqualTo("PUBLISHED");

        List<Received> requests = requestsFor(feedback, 5);
        assertThat(requests.get(4).header(WebhookSignature.ATTEMPT)).isEqualTo("1");
        assertThat(requests.get(4).signatureValid()).isTrue();
        assertThat(requests.get(4).body()).isEqualTo(requests.get(0).body());
        // Back on the partner's topic with the same feedbackId (its Kafka readers de-duplicate on it).
        List<ReferralFeedback> onTopic = hub.awaitFeedback(PARTNER, feedback.getReferralId(), 2);
        assertThat(onTopic).extracting(ReferralFeedback::getFeedbackId).containsOnly(feedback.getFeedbackId());
    }
}
