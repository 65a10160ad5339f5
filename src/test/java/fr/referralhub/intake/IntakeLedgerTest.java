package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import fr.referralhub.avro.PersonReferenceBasis;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.testing.SharedKafka;
import fr.referralhub.operations.PartnerActivity;
import fr.referralhub.operations.SilentPartnerProperties;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.partners.PartnerRegistryProperties;
import fr.referralhub.topics.HubTopicProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import fr.referralhub.topics.RecordHeaders;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class IntakeLedgerTest {

    private final String topic = "ledger-test-" + UUID.randomUUID();

    @Test
    void shouldRebuildWhatWasPublishedFromTheTopicAtStart() throws Exception {
        createTopic();
        publish("FT-1", "EVT-1", "referral-1", "person-1", "CREATED", "NIR");
        publish("FT-1", "EVT-2", "referral-1", "person-1", "CANCELLED", "NIR");
        publish("FT-1", "EVT-3", "referral-3", "person-3", "NOT_A_TYPE", "NIR");

        IntakeLedger ledger = startedLedger();
        try {
            assertThat(ledger.claim("FT-1", "EVT-1")).map(IntakeLedger.Entry::referralId).contains("referral-1");
            assertThat(ledger.creation("FT-1", "EVT-1")).map(IntakeLedger.Entry::personReferenceBasis)
                    .contains(PersonReferenceBasis.NIR);
            assertThat(ledger.isCancelled("referral-1")).isTrue();
            assertThat(ledger.creation("OTHER-PARTNER", "EVT-1")).isEmpty();
            // A record with an unknown type is skipped, not fatal.
            assertThat(ledger.claim("FT-1", "EVT-3")).isEmpty();
        } finally {
            ledger.stop();
        }
    }

    @Test
    void shouldMakeAConcurrentCopyWaitForTheFirstAndThenSeeItAsADuplicate() throws Exception {
        createTopic();
        IntakeLedger ledger = startedLedger();
        try {
            assertThat(ledger.claim("FT-1", "EVT-9")).isEmpty();
            CompletableFuture<Optional<IntakeLedger.Entry>> copy =
                    CompletableFuture.supplyAsync(() -> ledger.claim("FT-1", "EVT-9"));
            assertThat(copy).isNotDone();

            ledger.confirm("FT-1", "EVT-9", new IntakeLedger.Entry("referral-9", "person-9", PersonReferenceBasis.NIR,
                    ReferralEventType.CREATED));

            await().atMost(Duration.ofSeconds(10)).until(copy::isDone);
            assertThat(copy.get()).map(IntakeLedger.Entry::referralId).contains("referral-9");
        } finally {
            ledger.stop();
        }
    }

    @Test
    void shouldLetARetryTakeOverWhenTheFirstAttemptFailed() throws Exception {
        createTopic();
        IntakeLedger ledger = startedLedger();
        try {
            assertThat(ledger.claim("FT-1", "EVT-10")).isEmpty();
            CompletableFuture<Optional<IntakeLedger.Entry>> retry =
                    CompletableFuture.supplyAsync(() -> ledger.claim("FT-1", "EVT-10"));

            ledger.release("FT-1", "EVT-10");

            await().atMost(Duration.ofSeconds(10)).until(retry::isDone);
            assertThat(retry.get()).as("the retry now owns the claim").isEmpty();
        } finally {
            ledger.stop();
        }
    }

    private IntakeLedger startedLedger() {
        IntakeLedger ledger = new IntakeLedger(SharedKafka.bootstrapServers(),
                new HubTopicProperties(topic, "unused-decisions", "unused-dead-letters", "unused-audit", 1, (short) 1),
                new PartnerActivity(new PartnerRegistry(new PartnerRegistryProperties(List.of())),
                        new SilentPartnerProperties(Duration.ofDays(3), Map.of()), new SimpleMeterRegistry()));
        ledger.start();
        return ledger;
    }

    private void createTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    private void publish(String partner, String eventId, String referralId, String person, String type, String basis)
            throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, person, new byte[0]);
            record.headers().add(RecordHeaders.PARTNER_ID, partner.getBytes(StandardCharsets.UTF_8))
                    .add(RecordHeaders.PARTNER_EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8))
                    .add(RecordHeaders.REFERRAL_ID, referralId.getBytes(StandardCharsets.UTF_8))
                    .add(RecordHeaders.EVENT_TYPE, type.getBytes(StandardCharsets.UTF_8))
                    .add(RecordHeaders.PERSON_REFERENCE_BASIS, basis.getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
    }
}
