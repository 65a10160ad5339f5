package fr.referralhub.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.counselling.webhook.WebhookSender;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.RecordHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The second lock, on the whole hub and a real broker: records put on the hub's own topics by a plain producer (as a
 * partner granted write access by mistake would) are dead-lettered with the reason and counted, never decided,
 * delivered or told to a referrer. One is a copy of a genuine submission, signature included, whose partner event id
 * was changed; the others carry no signature, one of them for a partner the registry does not know.
 */
@HubTest
class RecordProvenanceFlowTest {

    private static final String SAMPLE = "employment-agency/ft-orientation-mobili-jeune.json";
    private static final String SAMPLE_EVENT_ID = "FT-93066-2026-11-000123";
    private static final String UNTRUSTED = UntrustedRecordException.class.getName();
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Autowired
    HubTopicProperties topics;
    @Autowired
    MeterRegistry meters;

    @Test
    void shouldDeadLetterAndCountRecordsTheHubDidNotWriteInsteadOfDecidingOrDeliveringThem() throws Exception {
        double ledgerRefused = refused("referral-ledger");
        double webhookRefused = refused(WebhookSender.ROUTE);
        double statusFeedbackRefused = refused("status-feedback");

        String creationEventId = "FT-PROVENANCE-" + UUID.randomUUID();
        var accepted = PartnerApi.post(port, Samples.text(SAMPLE).replace(SAMPLE_EVENT_ID, creationEventId));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String referralId = JSON.readTree(accepted.body()).get("referralId").asText();

        // What the hub writes is signed: the submission (its own producer) and the publication (the referral state).
        ConsumerRecord<String, byte[]> genuine = single(topics.intakeSubmissions(), RecordHeaders.PARTNER_EVENT_ID,
                creationEventId);
        assertThat(genuine.headers().lastHeader(RecordProvenance.HEADER)).isNotNull();
        assertThat(single(topics.referrals(), RecordHeaders.PARTNER_EVENT_ID, creationEventId).headers()
                .lastHeader(RecordProvenance.HEADER)).isNotNull();

        String forgedEventId = "FT-FORGED-" + UUID.randomUUID();
        String intruder = "intruder-" + UUID.randomUUID().toString().substring(0, 8);
        String forgedDelivery = "forged-delivery-" + UUID.randomUUID();
        String forgedChange = "forged-change-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> plain = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(),
                new ByteArraySerializer())) {
            // A genuine submission's bytes and signature, as a new event of the same partner.
            var copied = new org.apache.kafka.common.header.internals.RecordHeaders();
            for (Header header : genuine.headers()) {
                if (!header.key().equals(RecordHeaders.PARTNER_EVENT_ID)) {
                    copied.add(header);
                }
            }
            copied.add(RecordHeaders.PARTNER_EVENT_ID, utf8(forgedEventId));
            plain.send(new ProducerRecord<>(topics.intakeSubmissions(), null, genuine.key(), genuine.value(), copied))
                    .get();
            // A submission for a partner nobody declared, unsigned.
            var unknownPartner = new org.apache.kafka.common.header.internals.RecordHeaders();
            genuine.headers().forEach(header -> {
                if (header.key().startsWith("hub.") && !header.key().equals(RecordHeaders.PARTNER_ID)
                        && !header.key().equals(RecordProvenance.HEADER)) {
                    unknownPartner.add(header);
                }
            });
            unknownPartner.add(RecordHeaders.PARTNER_ID, utf8(intruder));
            plain.send(new ProducerRecord<>(topics.intakeSubmissions(), null, UUID.randomUUID().toString(),
                    genuine.value(), unknownPartner)).get();
            // A webhook delivery and a status change nobody made.
            var delivery = new org.apache.kafka.common.header.internals.RecordHeaders();
            delivery.add("hub.subscription-id", utf8("adil-93-logement"));
            plain.send(new ProducerRecord<>(topics.webhookDeliveries(), null, forgedDelivery, utf8("{}"), delivery))
                    .get();
            plain.send(new ProducerRecord<>(topics.referralStatusChanges(), null, forgedChange, utf8("{}"),
                    new org.apache.kafka.common.header.internals.RecordHeaders())).get();
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<ConsumerRecord<String, byte[]>> deadLetters = TopicReader.readToEnd(bootstrapServers,
                    topics.deadLetters(),
                    r -> UNTRUSTED.equals(TopicReader.header(r, "__connect.errors.exception.class.name")));
            assertThat(deadLetters).anySatisfy(r -> {
                assertThat(TopicReader.header(r, "__connect.errors.topic")).isEqualTo(topics.intakeSubmissions());
                assertThat(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)).isEqualTo(forgedEventId);
                assertThat(TopicReader.header(r, "__connect.errors.exception.message")).contains("signature");
            });
            assertThat(deadLetters).anySatisfy(r -> {
                assertThat(TopicReader.header(r, "__connect.errors.topic")).isEqualTo(topics.intakeSubmissions());
                assertThat(TopicReader.header(r, RecordHeaders.PARTNER_ID)).isEqualTo(intruder);
            });
            assertThat(deadLetters).anySatisfy(r -> {
                assertThat(TopicReader.header(r, "__connect.errors.topic")).isEqualTo(topics.webhookDeliveries());
                assertThat(r.key()).isEqualTo(forgedDelivery);
            });
            assertThat(deadLetters).anySatisfy(r -> {
                assertThat(TopicReader.header(r, "__connect.errors.topic")).isEqualTo(topics.referralStatusChanges());
                assertThat(r.key()).isEqualTo(forgedChange);
            });
        });
        assertThat(refused("referral-ledger")).isGreaterThanOrEqualTo(ledgerRefused + 2);
        assertThat(refused(WebhookSender.ROUTE)).isGreaterThanOrEqualTo(webhookRefused + 1);
        assertThat(refused("status-feedback")).isGreaterThanOrEqualTo(statusFeedbackRefused + 1);

        // Never decided: not published, no topic made for the unknown partner, the genuine referral unchanged.
        assertThat(TopicReader.readToEnd(bootstrapServers, topics.referrals(),
                r -> forgedEventId.equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID))
                        || intruder.equals(TopicReader.header(r, RecordHeaders.PARTNER_ID)))).isEmpty();
        assertThat(TopicReader.readToEnd(bootstrapServers, topics.eligibilityDecisions(),
                r -> forgedEventId.equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)))).isEmpty();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            assertThat(admin.listTopics().names().get()).noneMatch(name -> name.endsWith(intruder));
        }
        assertThat(TopicReader.readToEnd(bootstrapServers, "counselling.adil-93", r -> referralId.equals(r.key())))
                .as("the genuine referral was delivered once, the copy never").hasSize(1);
    }

    private ConsumerRecord<String, byte[]> single(String topic, String header, String value) {
        List<ConsumerRecord<String, byte[]>> found = TopicReader.readToEnd(bootstrapServers, topic,
                r -> value.equals(TopicReader.header(r, header)));
        assertThat(found).as("%s with %s=%s", topic, header, value).hasSize(1);
        return found.get(0);
    }

    private double refused(String consumer) {
        var counter = meters.find(RecordProvenance.REFUSED_METRIC).tag("consumer", consumer).counter();
        return counter == null ? 0 : counter.count();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
