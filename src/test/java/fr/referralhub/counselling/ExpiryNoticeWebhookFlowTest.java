package fr.referralhub.counselling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.avro.PersonProfile;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.counselling.WebhookReceiver.Received;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.state.IntakeSubmissions;
import fr.referralhub.expiry.ReferralExpiry;
import fr.referralhub.testing.ExpiryChecks;
import fr.referralhub.testing.MovableClock;
import fr.referralhub.testing.MovedClockHubTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Expiry notices reach WEBHOOK subscriptions through the existing outbox: signed like any delivery, with the notice
 * and no referral content. Same hub and moved clock as expiry/ReferralExpiryFlowTest; delays count from this test's
 * own delivery.
 */
@MovedClockHubTest
class ExpiryNoticeWebhookFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Autowired
    SchemaRegistryProperties registry;
    @Autowired
    IntakeSubmissions submissions;
    @Autowired
    MovableClock clock;
    @Autowired
    ReferralExpiry expiry;

    @Test
    void shouldPostTheReminderThenTheExpiryToAWebhookSubscriptionSigned() throws Exception {
        CounsellingHub hub = new CounsellingHub(port, bootstrapServers, registry, submissions);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String commune = "01" + (100 + ThreadLocalRandom.current().nextInt(900));
        try (WebhookReceiver receiver = WebhookReceiver.answering(attempt -> 204)) {
            hub.subscribe("expiry-" + run, """
                    {"serviceId": "svc-expiry-%s", "description": "expiry webhook test", "match": {"communes": ["%s"]},
                     "profile": ["HOME", "AGE"], "delivery": {"mode": "WEBHOOK", "url": "%s", "secretRef": "dev-webhook"}}"""
                    .formatted(run, commune, receiver.url()));
            ReferralEvent referral = Referrals.complete("france-travail-93").build();
            referral.setPerson(PersonProfile.newBuilder(referral.getPerson()).setHomeCommune(commune)
                    .setHomeDepartement("01").build());
            hub.publish(referral, referral.getPerson().getPersonReference());
            JsonNode created = body(await().atMost(Duration.ofSeconds(30))
                    .until(receiver::received, received -> received.size() >= 1).get(0));
            assertThat(created.get("eventType").asText()).isEqualTo("CREATED");
            assertThat(created.get("notice").isNull()).as("a referral is no notice").isTrue();

            clock.advance(Duration.ofDays(10));
            sweep();
            Received reminder = await().atMost(Duration.ofSeconds(30))
                    .until(receiver::received, received -> received.size() >= 2).get(1);
            assertThat(reminder.signatureValid()).isTrue();
            JsonNode reminded = body(reminder);
            assertThat(reminded.get("notice").asText()).isEqualTo("REMINDER");
            assertThat(reminded.get("referralId").asText()).isEqualTo(referral.getReferralId());
            assertThat(reminded.get("subscriptionId").asText()).isEqualTo("expiry-" + run);
            assertThat(reminded.get("profile")).isEmpty();
            assertThat(reminded.get("homeCommune").isNull()).as("no referral content").isTrue();
            assertThat(reminded.get("deliveryId").asText()).isNotEqualTo(created.get("deliveryId").asText());

            clock.advance(Duration.ofDays(20));
            sweep();
            JsonNode expired = body(await().atMost(Duration.ofSeconds(30))
                    .until(receiver::received, received -> received.size() >= 3).get(2));
            assertThat(expired.get("notice").asText()).isEqualTo("EXPIRED");
            sweep();
            assertThat(receiver.received()).as("nothing more: the pair is EXPIRED").hasSize(3);
        }
    }

    private void sweep() {
        ExpiryChecks.awaitCheckOfNow(expiry, clock);
    }

    private static JsonNode body(Received received) throws Exception {
        return JSON.readTree(received.body());
    }
}
