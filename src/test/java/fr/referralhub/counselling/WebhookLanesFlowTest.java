package fr.referralhub.counselling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import fr.referralhub.avro.PersonProfile;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.counselling.webhook.WebhookSignature;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.state.IntakeSubmissions;
import fr.referralhub.testing.HubTest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * A receiver down long enough to fill what the webhook sender holds in memory ({@code hub.webhooks.max-in-flight},
 * 3 here) holds back its own partition of the outbox only: a subscription keyed to another partition is still
 * delivered. A hub of its own, for that small limit.
 */
@HubTest
@TestPropertySource(properties = {
        "hub.webhooks.max-in-flight=3",
        // Longer than the slow receiver holds its first request: no retry adds to what it received.
        "hub.webhooks.request-timeout=PT60S",
        "hub.intake.file-drops.root=target/webhook-lanes-test-file-drops"
})
class WebhookLanesFlowTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Value("${hub.topics.webhook-deliveries}")
    String outboxTopic;
    @Autowired
    SchemaRegistryProperties registry;
    @Autowired
    IntakeSubmissions submissions;

    CounsellingHub hub;
    String run;

    @BeforeEach
    void connect() {
        hub = new CounsellingHub(port, bootstrapServers, registry, submissions);
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void shouldDeliverToASubscriptionOfAnotherPartitionWhileAReceiverHoldsItsOwn() throws Exception {
        int partitions = outboxPartitions();
        String slowId = "lanes-slow-" + run;
        String fastId = subscriptionIdOnAnotherPartitionThan(slowId, partitions);
        try (WebhookReceiver slow = new WebhookReceiver(attempt -> 200, true);
             WebhookReceiver fast = WebhookReceiver.answering(attempt -> 200)) {
            hub.subscribe(slowId, webhook(slow.url(), "01101"));
            hub.subscribe(fastId, webhook(fast.url(), "01102"));

            // The slow receiver holds its first request; its lane queues the others: its partition's share is full.
            for (int i = 0; i < 3; i++) {
                referralIn("01101");
            }
            await().atMost(PATIENCE).until(slow::received, received -> received.size() == 1);

            ReferralEvent other = referralIn("01102");
            await().atMost(PATIENCE).until(fast::received, received -> received.size() == 1);
            assertThat(new String(fast.received().get(0).body(), StandardCharsets.UTF_8))
                    .contains(other.getReferralId());
            assertThat(slow.received()).hasSize(1);

            slow.release();
            await().atMost(PATIENCE).until(() -> slow.received().stream()
                    .map(request -> request.header(WebhookSignature.DELIVERY_ID)).distinct().count() == 3);
        }
    }

    private String webhook(String url, String commune) {
        return """
                {"serviceId": "svc-%s", "description": "lanes test", "match": {"communes": ["%s"]},
                 "profile": ["HOME"], "delivery": {"mode": "WEBHOOK", "url": "%s", "secretRef": "dev-webhook"}}"""
                .formatted(run, commune, url);
    }

    private ReferralEvent referralIn(String commune) {
        ReferralEvent event = Referrals.complete("france-travail-93").build();
        event.setPerson(PersonProfile.newBuilder(event.getPerson()).setHomeCommune(commune).setHomeDepartement("01")
                .build());
        hub.publish(event, event.getPerson().getPersonReference());
        return event;
    }

    /** The outbox is keyed by subscription id, partitioned by Kafka's default partitioner (murmur2 of the key). */
    private static String subscriptionIdOnAnotherPartitionThan(String id, int partitions) {
        int taken = partitionOf(id, partitions);
        for (int i = 0; ; i++) {
            String candidate = "lanes-fast-" + i + "-" + id.substring("lanes-slow-".length());
            if (partitionOf(candidate, partitions) != taken) {
                return candidate;
            }
        }
    }

    private static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private int outboxPartitions() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            int partitions = admin.describeTopics(List.of(outboxTopic)).allTopicNames().get().get(outboxTopic)
                    .partitions().size();
            assertThat(partitions).as("outbox partitions: the test needs two").isGreaterThan(1);
            return partitions;
        }
    }
}
