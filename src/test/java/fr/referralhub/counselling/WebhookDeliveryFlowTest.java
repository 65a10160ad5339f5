package fr.referralhub.counselling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.avro.FeedbackKind;
import fr.referralhub.avro.PersonProfile;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.counselling.WebhookReceiver.Received;
import fr.referralhub.counselling.webhook.WebhookSender;
import fr.referralhub.counselling.webhook.WebhookSignature;
import fr.referralhub.operations.DeadLetter;
import fr.referralhub.operations.OperatorAudit;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.state.IntakeSubmissions;
import fr.referralhub.testing.DeadLetterAudit;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.TopicReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * WEBHOOK subscriptions on the whole hub and a real broker, with receivers on free ports: each referral is POSTed as
 * signed JSON minimised to the profile; failures are retried with the same delivery id, then dead-lettered; a 4xx
 * is dead-lettered at once; a slow receiver does not hold another subscription's delivery; the secret is never
 * shown. The hub's test settings (HubTest) retry after 50 ms, doubling to 200 ms, 4 attempts at most. Each test
 * works in a commune of its own, so other tests' referrals never reach its receivers.
 */
@HubTest
class WebhookDeliveryFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(30);

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
    @Value("${hub.topics.subscriptions}")
    String subscriptionsTopic;
    @Value("${hub.topics.webhook-deliveries}")
    String outboxTopic;
    @Value("${hub.topics.operator-audit}")
    String auditTopic;
    @Autowired
    MeterRegistry meters;

    CounsellingHub hub;
    String run;
    String commune;

    @BeforeEach
    void connect() {
        hub = new CounsellingHub(port, bootstrapServers, registry, submissions);
        run = UUID.randomUUID().toString().substring(0, 8);
        // A commune of Ain (01) no other test uses: 01000-01999.
        commune = "01" + (100 + ThreadLocalRandom.current().nextInt(900));
    }

    private String webhook(String url, String profile) {
        return """
                {"serviceId": "svc-%s", "description": "webhook test", "match": {"communes": ["%s"]},
                 "profile": %s, "delivery": {"mode": "WEBHOOK", "url": "%s", "secretRef": "dev-webhook"}}"""
                .formatted(run, commune, profile, url);
    }

    private ReferralEvent referralInTheCommune() throws Exception {
        ReferralEvent event = Referrals.complete("france-travail-93").build();
        event.setPerson(PersonProfile.newBuilder(event.getPerson()).setHomeCommune(commune).setHomeDepartement("01")
                .build());
        hub.publish(event, event.getPerson().getPersonReference());
        // Written durably to the outbox, keyed by subscription, before any receiver is called.
        assertThat(TopicReader.readToEnd(bootstrapServers, outboxTopic, r -> r.key() != null && r.key().endsWith(run)))
                .as("outbox records of this test").isNotEmpty();
        return event;
    }

    private double deliveries(String subscription, String result) {
        Counter counter = meters.find("hub.subscription.deliveries").tag("subscription", subscription)
                .tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    private List<Received> awaitRequests(WebhookReceiver receiver, int count) {
        return await().atMost(PATIENCE).until(receiver::received, received -> received.size() >= count);
    }

    private ConsumerRecord<String, byte[]> awaitDeadLetter(String subscription) {
        return await().atMost(PATIENCE).until(() -> TopicReader.readToEnd(bootstrapServers, deadLettersTopic,
                        r -> subscription.equals(TopicReader.header(r, CounsellingDistribution.SUBSCRIPTION_ID))),
                found -> !found.isEmpty()).get(0);
    }

    /** Nothing lost: the outbox consumer commits past every record of the subscription only once it ended. */
    private void awaitOutboxCommitted(String subscription) throws Exception {
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readToEnd(bootstrapServers, outboxTopic,
                r -> subscription.equals(r.key()));
        assertThat(records).isNotEmpty();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(WebhookSender.GROUP)
                        .partitionsToOffsetAndMetadata().get();
                for (ConsumerRecord<String, byte[]> record : records) {
                    OffsetAndMetadata offset = committed.get(new TopicPartition(record.topic(), record.partition()));
                    assertThat(offset).isNotNull();
                    assertThat(offset.offset()).isGreaterThan(record.offset());
                }
            });
        }
    }

    @Test
    void shouldPostTheReferralSignedAsJsonWithOnlyTheProfileFields() throws Exception {
        String id = "hook-ok-" + run;
        try (WebhookReceiver receiver = WebhookReceiver.answering(attempt -> 200)) {
            hub.subscribe(id, webhook(receiver.url(), "[\"HOME\", \"AGE\"]"));
            ReferralEvent referral = referralInTheCommune();

            Received request = awaitRequests(receiver, 1).get(0);
            assertThat(request.signatureValid()).as("signature checked by the receiver").isTrue();
            assertThat(request.header("Content-Type")).isEqualTo("application/json");
            // The check is not a formality: one byte changed and the same headers are refused.
            byte[] tampered = new String(request.body(), StandardCharsets.UTF_8).replace(commune, "01000")
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(WebhookSignature.verify(WebhookReceiver.DEV_SECRET, request.header(WebhookSignature.TIMESTAMP),
                    request.header(WebhookSignature.SIGNATURE), tampered, Instant.now())).isFalse();
            // ... and so is the request replayed later than 5 minutes.
            assertThat(WebhookSignature.verify(WebhookReceiver.DEV_SECRET, request.header(WebhookSignature.TIMESTAMP),
                    request.header(WebhookSignature.SIGNATURE), request.body(), Instant.now().plusSeconds(301))).isFalse();

            JsonNode body = JSON.readTree(request.body());
            assertThat(body.get("referralId").asText()).isEqualTo(referral.getReferralId());
            assertThat(body.get("deliveryId").asText()).isEqualTo(request.header(WebhookSignature.DELIVERY_ID));
            assertThat(body.get("subscriptionId").asText()).isEqualTo(id);
            assertThat(body.get("eventType").asText()).isEqualTo("CREATED");
            assertThat(body.get("occurredAt").asText()).isEqualTo(referral.getOccurredAt().toString());
            assertThat(body.get("homeCommune").asText()).isEqualTo(commune);
            assertThat(body.get("age").asInt()).isEqualTo(27);
            assertThat(body.get("profile")).extracting(JsonNode::asText).containsExactly("AGE", "HOME");
            // Outside the profile: null, never the value.
            for (String notShared : List.of("personReference", "referrer", "birthDate", "housingSituation",
                    "employmentStatus", "grossMonthlySalaryCents", "needs", "eligibility", "targetHousingCommune")) {
                assertThat(body.get(notShared).isNull()).as(notShared).isTrue();
            }
            assertThat(new String(request.body(), StandardCharsets.UTF_8)).doesNotContain("PSEUDO-", "FT-2A-AJACCIO");

            await().atMost(PATIENCE).until(() -> deliveries(id, "delivered") == 1);
            awaitOutboxCommitted(id);
            assertThat(receiver.received()).hasSize(1);
        }
    }

    /** DELIVERED feedback of this test's service, on the referrer's topic (other services may also get the referral). */
    private List<ReferralFeedback> deliveredFeedback(ReferralEvent referral) {
        return hub.recordsOf("feedback." + referral.getSource().getPartnerId(), referral.getReferralId()).stream()
                .map(r -> hub.<ReferralFeedback>decode(r.topic(), r.value()))
                .filter(f -> f.getKind() == FeedbackKind.DELIVERED && ("svc-" + run).equals(f.getServiceId()))
                .toList();
    }

    @Test
    void shouldTellTheReferrerDeliveredOnceTheReceiverAcceptedTheFirstDeliveryOnly() throws Exception {
        String id = "hook-told-" + run;
        try (WebhookReceiver receiver = WebhookReceiver.answering(attempt -> attempt == 1 ? 503 : 200)) {
            hub.subscribe(id, webhook(receiver.url(), "[\"HOME\"]"));
            ReferralEvent creation = referralInTheCommune();
            List<Received> accepted = awaitRequests(receiver, 2);
            // The update reaches the service too, after the creation (same lane), and is no news for the referrer.
            hub.publish(Referrals.updateOf(creation).build(),
                    creation.getPerson().getPersonReference());
            awaitRequests(receiver, 3);
            await().atMost(PATIENCE).until(() -> deliveries(id, "delivered") == 2);
            awaitOutboxCommitted(id);

            List<ReferralFeedback> told = deliveredFeedback(creation);
            assertThat(told).hasSize(1);
            ReferralFeedback feedback = told.get(0);
            assertThat(feedback.getReferralId()).isEqualTo(creation.getReferralId());
            assertThat(feedback.getEventId()).isEqualTo(creation.getEventId());
            assertThat(feedback.getPartnerEventId()).isEqualTo(creation.getSource().getPartnerEventId());
            assertThat(feedback.getReasonText()).contains("svc-" + run);
            assertThat(feedback.getFeedbackId()).isEqualTo(DeliveredFeedback.feedbackId(
                    accepted.get(1).header(WebhookSignature.DELIVERY_ID)));
            // Written once the receiver answered 2xx, not when the refused first attempt was made.
            assertThat(feedback.getOccurredAt()).isAfterOrEqualTo(accepted.get(1).at().truncatedTo(ChronoUnit.MILLIS));
        }
    }

    @Test
    void shouldRetryAFailingReceiverWithTheSameDeliveryIdUntilItAccepts() throws Exception {
        String id = "hook-retry-" + run;
        try (WebhookReceiver receiver = WebhookReceiver.answering(attempt -> attempt <= 2 ? 503 : 200)) {
            hub.subscribe(id, webhook(receiver.url(), "[\"HOME\"]"));
            referralInTheCommune();

            await().atMost(PATIENCE).until(() -> deliveries(id, "delivered") == 1);
            List<Received> requests = receiver.received();
            assertThat(requests).hasSize(3).allMatch(Received::signatureValid);
            assertThat(requests).extracting(r -> r.header(WebhookSignature.DELIVERY_ID)).containsOnly(
                    requests.get(0).header(WebhookSignature.DELIVERY_ID));
            assertThat(requests).extracting(r -> r.header(WebhookSignature.ATTEMPT)).containsExactly("1", "2", "3");
            // Backoff: the second retry waited longer than the first (50 ms, then 100 ms).
            assertThat(Duration.between(requests.get(0).at(), requests.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(50));
            assertThat(Duration.between(requests.get(1).at(), requests.get(2).at())).isGreaterThanOrEqualTo(Duration.ofMillis(100));
            assertThat(deliveries(id, "failed")).isEqualTo(2);
            assertThat(deliveries(id, "dead_lettered")).isZero();
            awaitOutboxCommitted(id);
        }
    }

    @Test
    void shouldDeadLetterAfterTheLastAttemptWithTheReason() throws Exception {
        String id = "hook-down-" + run;
        try (WebhookReceiver receiver = WebhookReceiver.answering(attempt -> 503)) {
            hub.subscribe(id, webhook(receiver.url(), "[\"HOME\"]"));
            ReferralEvent referral = referralInTheCommune();

            ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter(id);
            assertThat(receiver.received()).hasSize(4);
            assertThat(TopicReader.header(deadLetter, "__connect.errors.connector.name")).isEqualTo(WebhookSender.ROUTE);
            assertThat(TopicReader.header(deadLetter, "__connect.errors.topic")).isEqualTo(outboxTopic);
            assertThat(TopicReader.header(deadLetter, "__connect.errors.exception.message"))
                    .contains("after 4 attempts").contains("HTTP 503");
            assertThat(TopicReader.header(deadLetter, WebhookSender.ATTEMPTS)).isEqualTo("4");
            assertThat(TopicReader.header(deadLetter, WebhookSender.LAST_STATUS)).isEqualTo("503");
            assertThat(deadLetter.key()).isEqualTo(id);
            // The original record, encrypted like every dead letter (the projection is personal data).
            assertThat(new String(deadLetter.value(), StandardCharsets.ISO_8859_1)).doesNotContain(commune);
            assertThat(TopicReader.header(deadLetter, "hub.referral-id")).isIn(referral.getReferralId(), null);

            await().atMost(PATIENCE).until(() -> deliveries(id, "dead_lettered") == 1);
            assertThat(deliveries(id, "failed")).isEqualTo(4);
            assertThat(deliveries(id, "delivered")).isZero();
            awaitOutboxCommitted(id);
        }
    }

    @Test
    void shouldDeadLetterARefusedRequestAtOnceWithoutRetrying() throws Exception {
        String id = "hook-refused-" + run;
        try (WebhookReceiver receiver = WebhookReceiver.answering(attempt -> 400)) {
            hub.subscribe(id, webhook(receiver.url(), "[\"HOME\"]"));
            ReferralEvent referral = referralInTheCommune();

            ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter(id);
            assertThat(receiver.received()).hasSize(1);
            assertThat(TopicReader.header(deadLetter, "__connect.errors.exception.message"))
                    .contains("HTTP 400").contains("not retried");
            assertThat(TopicReader.header(deadLetter, WebhookSender.ATTEMPTS)).isEqualTo("1");
            assertThat(TopicReader.header(deadLetter, WebhookSender.LAST_STATUS)).isEqualTo("400");
            await().atMost(PATIENCE).until(() -> deliveries(id, "dead_lettered") == 1);
            assertThat(deliveries(id, "failed")).isEqualTo(1);
            awaitOutboxCommitted(id);
            // Ended without reaching the service: the referrer is not told DELIVERED.
            assertThat(deliveredFeedback(referral)).isEmpty();
        }
    }

    @Test
    void shouldDeliverAReplayedDeadLetterAgainWithTheSameDeliveryIdAndFreshRetries() throws Exception {
        String id = "hook-replay-" + run;
        // Refuses the first request (dead-lettered at once), then fails once more and accepts: the replay retries.
        try (WebhookReceiver receiver = WebhookReceiver.answering(attempt -> attempt == 1 ? 400 : attempt == 2 ? 503 : 200)) {
            hub.subscribe(id, webhook(receiver.url(), "[\"HOME\"]"));
            ReferralEvent referral = referralInTheCommune();
            ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter(id);
            awaitOutboxCommitted(id);
            assertThat(deliveredFeedback(referral)).as("not delivered yet").isEmpty();

            String deadLetterId = DeadLetter.idOf(deadLetter.partition(), deadLetter.offset());
            HttpResponse<String> replayed = hub.replayDeadLetter(deadLetterId);
            assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
            JsonNode result = JSON.readTree(replayed.body());
            assertThat(result.get("outcome").asText()).isEqualTo("PUBLISHED");
            assertThat(result.get("route").asText()).isEqualTo(WebhookSender.ROUTE);
            assertThat(result.get("referralId").asText()).isEqualTo(referral.getReferralId());

            await().atMost(PATIENCE).until(() -> deliveries(id, "delivered") == 1);
            List<Received> requests = receiver.received();
            assertThat(requests).hasSize(3).allMatch(Received::signatureValid);
            // Same delivery (the receiver de-duplicates on its id), with attempts counted afresh.
            assertThat(requests).extracting(r -> r.header(WebhookSignature.DELIVERY_ID))
                    .containsOnly(requests.get(0).header(WebhookSignature.DELIVERY_ID));
            assertThat(requests).extracting(r -> r.header(WebhookSignature.ATTEMPT)).containsExactly("1", "1", "2");
            assertThat(requests.get(2).body()).isEqualTo(requests.get(0).body());
            // Back on the outbox under the subscription's key, with its headers; the referrer now learns DELIVERED.
            List<ConsumerRecord<String, byte[]>> outbox = TopicReader.readToEnd(bootstrapServers, outboxTopic,
                    r -> id.equals(r.key()));
            assertThat(outbox).hasSize(2);
            assertThat(TopicReader.header(outbox.get(1), CounsellingDistribution.SUBSCRIPTION_ID)).isEqualTo(id);
            assertThat(TopicReader.header(outbox.get(1), "hub.partner-id")).isEqualTo("france-travail-93");
            awaitOutboxCommitted(id);
            assertThat(deliveredFeedback(referral)).hasSize(1);
            assertThat(auditOf(deadLetterId)).extracting(entry -> entry.get("action").asText() + " "
                    + entry.path("outcome").asText()).containsExactly(OperatorAudit.REPLAYED + " PUBLISHED");
        }
    }

    @Test
    void shouldRefuseToReplayADeadLetterWhoseSubscriptionWasDeleted() throws Exception {
        String id = "hook-gone-" + run;
        try (WebhookReceiver receiver = WebhookReceiver.answering(attempt -> 400)) {
            hub.subscribe(id, webhook(receiver.url(), "[\"HOME\"]"));
            referralInTheCommune();
            ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter(id);
            assertThat(hub.delete(id).statusCode()).isIn(200, 204);

            HttpResponse<String> replayed = hub.replayDeadLetter(DeadLetter.idOf(deadLetter.partition(),
                    deadLetter.offset()));
            assertThat(replayed.statusCode()).isEqualTo(409);
            assertThat(replayed.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(JSON.readTree(replayed.body()).get("detail").asText())
                    .contains("Subscription " + id + " was deleted").contains("nowhere to deliver it");
            assertThat(TopicReader.readToEnd(bootstrapServers, outboxTopic, r -> id.equals(r.key())))
                    .as("nothing put back on the outbox").hasSize(1);
        }
    }

    private List<JsonNode> auditOf(String deadLetterId) {
        return DeadLetterAudit.of(bootstrapServers, auditTopic, deadLettersTopic, deadLetterId);
    }

    @Test
    void shouldNeverPostAnOutboxRecordOfAnAbortedTransaction() throws Exception {
        String id = "hook-aborted-" + run;
        try (WebhookReceiver receiver = WebhookReceiver.answering(attempt -> 200)) {
            hub.subscribe(id, webhook(receiver.url(), "[\"HOME\"]"));
            referralInTheCommune();
            awaitRequests(receiver, 1);

            // The referral state's transaction, aborted after it wrote the same record (signed, as its instance
            // killed before the commit had written it): its consumers read committed records only.
            ConsumerRecord<String, byte[]> committed = TopicReader.readToEnd(bootstrapServers, outboxTopic,
                    r -> id.equals(r.key())).get(0);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "aborted-" + run),
                    new StringSerializer(), new ByteArraySerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(outboxTopic, committed.partition(), committed.key(),
                        committed.value(), committed.headers())).get();
                producer.abortTransaction();
            }
            // A second referral, committed after it on the subscription's partition: once it is delivered, the sender
            // is past the aborted record.
            referralInTheCommune();
            awaitRequests(receiver, 2);
            await().atMost(PATIENCE).until(() -> deliveries(id, "delivered") >= 2);
            assertThat(receiver.received()).hasSize(2);
            assertThat(receiver.received()).extracting(r -> r.header(WebhookSignature.DELIVERY_ID)).doesNotHaveDuplicates();
        }
    }

    @Test
    void shouldRetryAReceiverThatSendsItsHeadersAndThenStalls() throws Exception {
        String id = "hook-stalled-" + run;
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket receiver = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread accepting = new Thread(() -> {
                while (!receiver.isClosed()) {
                    try {
                        Socket socket = receiver.accept();
                        held.add(socket);
                        // 200 and a body announced, never sent: the request's timeout no longer runs (JDK 17).
                        socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        socket.getOutputStream().flush();
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            }, "stalling-receiver");
            accepting.setDaemon(true);
            accepting.start();
            hub.subscribe(id, webhook("http://127.0.0.1:" + receiver.getLocalPort() + "/hook", "[\"HOME\"]"));
            referralInTheCommune();

            // Each attempt ends with the request timeout (3 s here), and the last one dead-letters the record.
            ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter(id);
            assertThat(TopicReader.header(deadLetter, "__connect.errors.exception.message"))
                    .contains("after 4 attempts").contains("no whole answer");
            assertThat(held).hasSizeGreaterThanOrEqualTo(1);
            assertThat(deliveries(id, "delivered")).isZero();
            awaitOutboxCommitted(id);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void shouldNotHoldAnotherSubscriptionBehindASlowReceiver() throws Exception {
        String slowId = "hook-slow-" + run;
        String fastId = "hook-fast-" + run;
        try (WebhookReceiver slow = new WebhookReceiver(attempt -> 200, true);
             WebhookReceiver fast = WebhookReceiver.answering(attempt -> 200)) {
            hub.subscribe(slowId, webhook(slow.url(), "[\"HOME\"]"));
            hub.subscribe(fastId, webhook(fast.url(), "[\"HOME\"]"));
            ReferralEvent referral = referralInTheCommune();

            // The slow receiver holds its request open...
            awaitRequests(slow, 1);
            // ... while the other subscription gets the same referral, delivered and counted.
            await().atMost(PATIENCE).until(() -> deliveries(fastId, "delivered") == 1);
            assertThat(JSON.readTree(fast.received().get(0).body()).get("referralId").asText())
                    .isEqualTo(referral.getReferralId());
            assertThat(deliveries(slowId, "delivered")).isZero();

            slow.release();
            await().atMost(PATIENCE).until(() -> deliveries(slowId, "delivered") == 1);
            awaitOutboxCommitted(slowId);
        }
    }

    @Test
    void shouldNeverShowTheSecretAndRefuseAnUnknownSecretOrAPlainHttpRemoteUrl() throws Exception {
        String id = "hook-secret-" + run;
        try (WebhookReceiver receiver = WebhookReceiver.answering(attempt -> 200)) {
            hub.subscribe(id, webhook(receiver.url(), "[\"HOME\"]"));

            HttpResponse<String> list = hub.get(null);
            assertThat(list.body()).contains("\"secretRef\":\"dev-webhook\"").doesNotContain(WebhookReceiver.DEV_SECRET);
            assertThat(hub.get(id).body()).contains(receiver.url()).doesNotContain(WebhookReceiver.DEV_SECRET);
            List<ConsumerRecord<String, byte[]>> stored = TopicReader.readToEnd(bootstrapServers, subscriptionsTopic,
                    r -> id.equals(r.key()));
            assertThat(stored).isNotEmpty().allSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8))
                    .contains("dev-webhook").doesNotContain(WebhookReceiver.DEV_SECRET));

            HttpResponse<String> unknownSecret = hub.put("hook-nosecret-" + run,
                    webhook(receiver.url(), "[\"HOME\"]").replace("\"dev-webhook\"", "\"nobody-configured-it\""));
            assertThat(unknownSecret.statusCode()).isEqualTo(422);
            JsonNode problem = JSON.readTree(unknownSecret.body());
            assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo("delivery.secretRef");
            assertThat(problem.get("errors").get(0).get("reason").asText())
                    .contains("hub.webhook-secrets.nobody-configured-it");

            HttpResponse<String> plainHttp = hub.put("hook-http-" + run,
                    webhook("http://service.example/hook", "[\"HOME\"]"));
            assertThat(plainHttp.statusCode()).isEqualTo(422);
            assertThat(JSON.readTree(plainHttp.body()).get("errors").get(0).get("field").asText())
                    .isEqualTo("delivery.url");
        }
    }
}
