package fr.referralhub.eligibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.kafka.DeadLetterCipher;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.TopicReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/**
 * A record the eligibility route cannot read is dead-lettered as it was (encrypted), with the reason, and the flow goes
 * on.
 */
@HubTest
class EligibilityDeadLetterTest {

    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Value("${hub.topics.referrals}")
    String referralsTopic;
    @Value("${hub.topics.dead-letters}")
    String deadLettersTopic;
    @Value("${hub.topics.eligibility-decisions}")
    String decisionsTopic;
    @Value("${hub.schema-registry.url}")
    String registryUrl;

    @Test
    void shouldDeadLetterAnUnreadableRecordWithItsOriginalBytesAndReasonThenKeepDeciding() throws Exception {
        String poisonKey = "poison-" + UUID.randomUUID();
        byte[] poison = "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8);
        String followingReferral = UUID.randomUUID().toString();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(referralsTopic, poisonKey, poison)).get();
        }
        try (var producer = new KafkaProducer<String, Object>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, fr.referralhub.schemaregistry.AvroSerializer.class,
                "schema.registry.url", registryUrl))) {
            // Same key, so same partition: it can only be decided if the poison record did not block the partition.
            producer.send(new ProducerRecord<>(referralsTopic, poisonKey, referral(followingReferral, poisonKey))).get();
        }

        // Every route consuming referrals.v1 dead-letters the poison record: this test is about the eligibility route's.
        ConsumerRecord<String, byte[]> deadLetter = await().atMost(Duration.ofSeconds(30)).until(() -> TopicReader
                .readToEnd(bootstrapServers, deadLettersTopic, r -> poisonKey.equals(r.key())
                        && "eligibility-decisions".equals(TopicReader.header(r, "__connect.errors.connector.name")))
                .stream().findFirst()
                .orElse(null), java.util.Objects::nonNull);
        // Stored encrypted (it could hold a NIR); the development key of the dev profile gives the original back.
        assertThat(deadLetter.value()).isNotEqualTo(poison);
        assertThat(new String(deadLetter.value(), StandardCharsets.ISO_8859_1)).doesNotContain("avro");
        DeadLetterCipher devCipher = new DeadLetterCipher(DeadLetterCipher.DEVELOPMENT_KEY);
        assertThat(devCipher.decrypt(deadLetter.value())).isEqualTo(poison);
        assertThat(TopicReader.header(deadLetter, DeadLetters.ENCRYPTION)).isEqualTo("AES-256-GCM");
        assertThat(TopicReader.header(deadLetter, DeadLetters.KEY_ID)).isEqualTo(devCipher.keyId()).matches("[0-9a-f]{8}");
        assertThat(TopicReader.header(deadLetter, "__connect.errors.topic")).isEqualTo(referralsTopic);
        assertThat(TopicReader.header(deadLetter, "__connect.errors.offset")).matches("\\d+");
        assertThat(TopicReader.header(deadLetter, "__connect.errors.connector.name")).isEqualTo("eligibility-decisions");
        assertThat(TopicReader.header(deadLetter, "__connect.errors.exception.message")).containsIgnoringCase("magic byte");
        assertThat(TopicReader.header(deadLetter, "__connect.errors.timestamp")).isNotBlank();

        await().atMost(Duration.ofSeconds(30)).until(() -> TopicReader.readToEnd(bootstrapServers, decisionsTopic).stream()
                .anyMatch(r -> new String(r.value(), StandardCharsets.ISO_8859_1).contains(followingReferral)));

        // Both records are behind the route's committed offsets: a restart would not replay them.
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin
                        .listConsumerGroupOffsets("referral-hub-eligibility").partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, Long> ends = TopicReader.endOffsets(bootstrapServers, referralsTopic);
                // A partition that never held a record has nothing to commit.
                ends.forEach((partition, end) -> assertThat(committed.containsKey(partition)
                        ? committed.get(partition).offset() : 0L).as("committed offset of %s", partition).isEqualTo(end));
            });
        }
    }

    private static ReferralEvent referral(String referralId, String personReference) {
        ReferralEvent event = TestReferral.referral().personReference(personReference)
                .bornOn(java.time.LocalDate.of(2000, 1, 1)).livingIn("93066", "93").build();
        return ReferralEvent.newBuilder(event).setReferralId(referralId).build();
    }
}
