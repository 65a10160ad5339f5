package fr.referralhub.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.counselling.StoredSubscription;
import fr.referralhub.counselling.StoredSubscription.Origin;
import fr.referralhub.counselling.SubscriptionDeclaration;
import fr.referralhub.counselling.SubscriptionDeclaration.Match;
import fr.referralhub.counselling.SubscriptionStore;
import fr.referralhub.counselling.webhook.WebhookSender;
import fr.referralhub.intake.InvalidPartnerEventException;
import fr.referralhub.kafka.DeadLetterCipher;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.operations.DeadLetter;
import fr.referralhub.operations.DeadLetterOperations;
import fr.referralhub.operations.DeadLetterReplay;
import fr.referralhub.operations.OperatorAudit;
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
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
 * was changed; the others carry no signature, one of them for a partner the registry does not know. On the
 * operators' topics the same: a forged subscription is never in force (nor a forged tombstone deleting one), a forged
 * audit line is not shown, a forged dead letter is flagged and never replayed; each counted once.
 */
@HubTest
class RecordProvenanceFlowTest {

    private static final String SAMPLE = "employment-agency/ft-orientation-mobili-jeune.json";
    private static final String SAMPLE_EVENT_ID = "FT-93066-2026-11-000123";
    private static final String UNTRUSTED = UntrustedRecordException.class.getName();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LANDLORD_TOPIC = "intake.logis-hdf";
    private static final String LANDLORD_ROUTE = "social-landlord-intake";
    private static final String LANDLORD_SAMPLE = "social-landlord/logis-hdf-orientation-000871.xml";

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Autowired
    HubTopicProperties topics;
    @Autowired
    MeterRegistry meters;
    @Autowired
    SubscriptionStore subscriptions;
    @Autowired
    OperatorAudit audit;
    @Autowired
    DeadLetterOperations deadLetterOperations;
    @Autowired
    DeadLetterCipher cipher;
    @Autowired
    HubKafkaClients hubClients;

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
        // A genuine submission's bytes and signature, as a new event of the same partner.
        var copied = new org.apache.kafka.common.header.internals.RecordHeaders();
        for (Header header : genuine.headers()) {
            if (!header.key().equals(RecordHeaders.PARTNER_EVENT_ID)) {
                copied.add(header);
            }
        }
        copied.add(RecordHeaders.PARTNER_EVENT_ID, utf8(forgedEventId));
        writeUnsigned(new ProducerRecord<>(topics.intakeSubmissions(), null, genuine.key(), genuine.value(), copied));
        // A submission for a partner nobody declared, unsigned.
        var unknownPartner = new org.apache.kafka.common.header.internals.RecordHeaders();
        genuine.headers().forEach(header -> {
            if (header.key().startsWith("hub.") && !header.key().equals(RecordHeaders.PARTNER_ID)
                    && !header.key().equals(RecordProvenance.HEADER)) {
                unknownPartner.add(header);
            }
        });
        unknownPartner.add(RecordHeaders.PARTNER_ID, utf8(intruder));
        writeUnsigned(new ProducerRecord<>(topics.intakeSubmissions(), null, UUID.randomUUID().toString(),
                genuine.value(), unknownPartner));
        // A webhook delivery and a status change nobody made.
        var delivery = new org.apache.kafka.common.header.internals.RecordHeaders();
        delivery.add("hub.subscription-id", utf8("adil-93-logement"));
        writeUnsigned(new ProducerRecord<>(topics.webhookDeliveries(), null, forgedDelivery, utf8("{}"), delivery));
        writeUnsigned(new ProducerRecord<>(topics.referralStatusChanges(), null, forgedChange, utf8("{}"),
                new org.apache.kafka.common.header.internals.RecordHeaders()));

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

    @Test
    void shouldNeverPutInForceNorDeleteASubscriptionTheHubDidNotWrite() throws Exception {
        double refusedBefore = refused(SubscriptionStore.CONSUMER);
        // Valid in every field (the same declaration, written by the hub, is in force below): only its writer is wrong.
        String forgedId = "forged-" + UUID.randomUUID();
        writeUnsigned(new ProducerRecord<>(topics.subscriptions(), forgedId, JSON.writeValueAsBytes(
                new StoredSubscription(corsica(forgedId), Origin.OPERATOR, "mallory", Instant.now().toString()))));
        await().atMost(Duration.ofSeconds(30)).until(() -> refused(SubscriptionStore.CONSUMER) >= refusedBefore + 1);
        assertThat(subscriptions.find(forgedId)).as("never in force: no referral is routed by it").isEmpty();
        assertThat(subscriptions.stored(forgedId)).isEmpty();

        String genuineId = "provenance-" + UUID.randomUUID();
        try {
            subscriptions.put(corsica(genuineId), "alice");
            assertThat(subscriptions.find(genuineId)).as("the hub's own write is in force").isPresent();
            // A tombstone nobody in the hub wrote does not stop it.
            writeUnsigned(new ProducerRecord<>(topics.subscriptions(), genuineId, null));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> refused(SubscriptionStore.CONSUMER) >= refusedBefore + 2);
            assertThat(subscriptions.find(genuineId)).isPresent();
        } finally {
            subscriptions.delete(genuineId, "alice");
        }
        assertThat(subscriptions.find(genuineId)).as("the hub's own tombstone deletes it").isEmpty();
    }

    @Test
    void shouldLeaveAuditLinesTheHubDidNotWriteOutOfWhatOperatorsSee() throws Exception {
        double refusedBefore = refused(OperatorAudit.CONSUMER);
        String forgedDeadLetter = "999-" + UUID.randomUUID();
        String forger = "mallory-" + UUID.randomUUID();
        // Exactly what the hub writes for a replay, but by someone else.
        writeUnsigned(new ProducerRecord<>(topics.operatorAudit(), audit.target(forgedDeadLetter),
                JSON.writeValueAsBytes(Map.of("at", Instant.now().toString(), "actor", forger, "channel", "HTTP",
                        "action", OperatorAudit.REPLAYED, "target", audit.target(forgedDeadLetter),
                        "outcome", "PUBLISHED"))));
        String genuineDeadLetter = "999-" + UUID.randomUUID();
        audit.replayed("alice", "HTTP", genuineDeadLetter, "REFUSED", null, List.of("provenance test"));

        Map<String, DeadLetter.ReplayState> replays = audit.replays();
        assertThat(replays).as("the hub's own line counts").containsKey(genuineDeadLetter)
                .as("a forged 'replayed' would make a decision's replay answer DUPLICATE")
                .doesNotContainKey(forgedDeadLetter);
        assertThat(audit.entries()).noneMatch(entry -> forger.equals(entry.actor()));
        assertThat(refused(OperatorAudit.CONSUMER)).as("counted once, however often operators look")
                .isEqualTo(refusedBefore + 1);
    }

    @Test
    void shouldFlagADeadLetterTheHubDidNotWriteAndNeverReplayIt() throws Exception {
        double refusedBefore = refused(DeadLetterReplay.CONSUMER);
        // A landlord's refused record as the hub would dead-letter it, encrypted with the hub's key (the dev key is
        // public): replayed, it would be published as the landlord's referral.
        String forgedKey = "HDF-FORGED-" + UUID.randomUUID();
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add("__connect.errors.topic", utf8(LANDLORD_TOPIC));
        headers.add("__connect.errors.partition", utf8("0"));
        headers.add("__connect.errors.offset", utf8("0"));
        headers.add("__connect.errors.connector.name", utf8(LANDLORD_ROUTE));
        headers.add("__connect.errors.exception.class.name", utf8(InvalidPartnerEventException.class.getName()));
        headers.add("__connect.errors.exception.message", utf8("referral unknown"));
        headers.add(DeadLetters.ENCRYPTION, utf8(DeadLetterCipher.ALGORITHM));
        headers.add(DeadLetters.KEY_ID, utf8(cipher.keyId()));
        RecordMetadata forged = writeUnsigned(new ProducerRecord<>(topics.deadLetters(), null, forgedKey,
                cipher.encrypt(Samples.bytes(LANDLORD_SAMPLE)), headers));
        String forgedId = DeadLetter.idOf(forged.partition(), forged.offset());

        // A dead letter the hub wrote itself: a landlord's cancellation of a referral it never received.
        String cancellation = "HDF-LOGIS-" + UUID.randomUUID();
        writeUnsigned(new ProducerRecord<>(LANDLORD_TOPIC, cancellation,
                utf8(Samples.landlordCancellation(cancellation, "HDF-LOGIS-" + UUID.randomUUID()))));
        ConsumerRecord<String, byte[]> genuine = await().atMost(Duration.ofSeconds(60)).until(() -> TopicReader
                .readToEnd(bootstrapServers, topics.deadLetters(), r -> cancellation.equals(r.key())).stream()
                .findFirst().orElse(null), Objects::nonNull);
        String genuineId = DeadLetter.idOf(genuine.partition(), genuine.offset());

        List<DeadLetter> listed = deadLetterOperations.list(DeadLetterOperations.MAX_LIMIT, null,
                new DeadLetterOperations.Filter(LANDLORD_ROUTE, LANDLORD_TOPIC, null)).items();
        assertThat(listed).filteredOn(d -> d.id().equals(forgedId)).singleElement().satisfies(d -> {
            assertThat(d.untrusted()).contains("not written by the hub");
            assertThat(d.replayable()).isFalse();
        });
        assertThat(listed).filteredOn(d -> d.id().equals(genuineId)).singleElement().satisfies(d -> {
            assertThat(d.untrusted()).isNull();
            assertThat(d.replayable()).isTrue();
        });
        assertThatThrownBy(() -> deadLetterOperations.replay(forgedId, "alice", "HTTP"))
                .isInstanceOf(DeadLetterReplay.NotReplayable.class).hasMessageContaining("did not write");
        assertThat(TopicReader.readToEnd(bootstrapServers, topics.referrals(),
                r -> forgedKey.equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)))).isEmpty();
        assertThat(refused(DeadLetterReplay.CONSUMER)).as("listed and refused a replay: counted once")
                .isEqualTo(refusedBefore + 1);
    }

    @Test
    void shouldLeaveParkedEntriesTheHubDidNotWriteOutOfTheListing() throws Exception {
        double refusedBefore = refused("parked-records");
        String forgedRoute = "forged-route-" + UUID.randomUUID();
        String genuineRoute = "genuine-route-" + UUID.randomUUID();
        writeUnsigned(new ProducerRecord<>(topics.parkedRecords(), "intake.logis-hdf-0@1",
                JSON.writeValueAsBytes(parkedEntry(forgedRoute))));
        try (Producer<String, byte[]> signed = hubClients.producer(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers), new StringSerializer(), new ByteArraySerializer())) {
            signed.send(new ProducerRecord<>(topics.parkedRecords(), "intake.logis-hdf-0@2",
                    JSON.writeValueAsBytes(parkedEntry(genuineRoute)))).get();
        }

        for (int look = 0; look < 2; look++) {
            var parked = deadLetterOperations.list(DeadLetterOperations.MAX_LIMIT, null,
                    DeadLetterOperations.Filter.ALL).parked();
            assertThat(parked.latest()).as("what the hub parked is listed")
                    .anyMatch(entry -> genuineRoute.equals(entry.route()))
                    .as("an entry someone else wrote would send operators after records never parked")
                    .noneMatch(entry -> forgedRoute.equals(entry.route()));
        }
        assertThat(refused("parked-records")).as("counted once, however often operators look")
                .isEqualTo(refusedBefore + 1);
    }

    private static Map<String, Object> parkedEntry(String route) {
        return Map.of("parkedAt", Instant.now().toString(), "route", route, "topic", "intake.logis-hdf",
                "partition", "0", "offset", "1", "bytes", 2_000_000, "reason", "too big to copy");
    }

    /** A subscription of a registered service to Corsica, where no other test refers anyone. */
    private static SubscriptionDeclaration corsica(String id) {
        return new SubscriptionDeclaration(id, "adil-93", "provenance test",
                new Match(List.of("2A"), null, null, null, null, null, null), List.of("HOME"), null);
    }

    /** Writes as a client that may write a hub topic but has not the hub's key: no signature. */
    private RecordMetadata writeUnsigned(ProducerRecord<String, byte[]> record) throws Exception {
        try (KafkaProducer<String, byte[]> plain = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(),
                new ByteArraySerializer())) {
            return plain.send(record).get();
        }
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
