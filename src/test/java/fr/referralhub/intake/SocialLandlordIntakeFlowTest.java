package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.kafka.DeadLetterCipher;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * A social landlord publishing its XML documents on its intake topic, on a real broker: both samples published once
 * on the referrals topic under the landlord's id, an invalid document dead-lettered (encrypted) with its reasons, and
 * a sample sent again not published twice.
 */
@HubTest
class SocialLandlordIntakeFlowTest {

    private static final String PARTNER = "logis-hdf";
    private static final String TOPIC = "intake." + PARTNER;

    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Autowired
    SchemaRegistryProperties registry;
    @Value("${hub.topics.referrals}")
    String referralsTopic;
    @Value("${hub.topics.dead-letters}")
    String deadLettersTopic;

    @Test
    void shouldPublishBothSamplesOnceAndDeadLetterAnInvalidDocument() throws Exception {
        String invalidKey = "invalid-" + UUID.randomUUID();
        byte[] invalid = Samples.text(SocialLandlordXmlReaderTest.SAMPLE_902)
                .replace("<nature>CREATION</nature>", "<nature>INCONNUE</nature>").getBytes(StandardCharsets.UTF_8);
        send(List.of(
                Map.entry("HDF-LOGIS-2026-000871", Samples.bytes(SocialLandlordXmlReaderTest.SAMPLE_871)),
                Map.entry("HDF-LOGIS-2026-000902", Samples.bytes(SocialLandlordXmlReaderTest.SAMPLE_902)),
                Map.entry(invalidKey, invalid)));

        await().atMost(Duration.ofSeconds(60)).until(() -> samplesPublished().size() >= 2
                && deadLettersOf(invalidKey).size() == 1);
        List<ConsumerRecord<String, byte[]>> published = samplesPublished();
        assertThat(published).extracting(r -> TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID))
                .containsExactlyInAnyOrder("HDF-LOGIS-2026-000871", "HDF-LOGIS-2026-000902");
        AvroDeserializer avro = registry.specificDeserializer();
        ReferralEvent withContract = published.stream()
                .filter(r -> "HDF-LOGIS-2026-000902".equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)))
                .map(r -> (ReferralEvent) avro.deserialize(referralsTopic, r.value())).findFirst().orElseThrow();
        assertThat(withContract.getEmployment().getContract().getNetMonthlySalaryCents()).isEqualTo(142_000L);
        assertThat(withContract.getEmployment().getContract().getGrossMonthlySalaryCents()).isNull();
        assertThat(withContract.getSource().getPartnerId()).isEqualTo(PARTNER);

        assertThat(deadLettersOf(invalidKey)).singleElement().satisfies(deadLetter -> {
            assertThat(TopicReader.header(deadLetter, "__connect.errors.topic")).isEqualTo(TOPIC);
            assertThat(TopicReader.header(deadLetter, "__connect.errors.connector.name")).isEqualTo("social-landlord-intake");
            assertThat(TopicReader.header(deadLetter, DeadLetters.REASONS)).startsWith("orientation/nature ")
                    .doesNotContain("INCONNUE");
            assertThat(TopicReader.header(deadLetter, DeadLetters.ENCRYPTION)).isEqualTo("AES-256-GCM");
            assertThat(new String(deadLetter.value(), StandardCharsets.ISO_8859_1)).doesNotContain("280065911902209");
            assertThat(new String(new DeadLetterCipher(DeadLetterCipher.DEVELOPMENT_KEY).decrypt(deadLetter.value()),
                    StandardCharsets.UTF_8)).contains("<nature>INCONNUE</nature>");
        });

        // Sent again (the landlord's producer retried): a duplicate, not published twice. A marker record after it
        // tells when the consumer is past it.
        String marker = "marker-" + UUID.randomUUID();
        send(List.of(Map.entry("HDF-LOGIS-2026-000902", Samples.bytes(SocialLandlordXmlReaderTest.SAMPLE_902)),
                Map.entry(marker, "not xml".getBytes(StandardCharsets.UTF_8))));
        await().atMost(Duration.ofSeconds(60)).until(() -> deadLettersOf(marker).size() == 1);
        assertThat(samplesPublished()).hasSize(2);
    }

    @Test
    void shouldTakeNoHeaderOfALandlordsRecord() throws Exception {
        String key = "forged-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> poison = new ProducerRecord<>(TOPIC, 0, key,
                    "not xml".getBytes(StandardCharsets.UTF_8));
            // Passed off as a training body's file row, with reasons of its own: the hub signs its dead letters, so
            // operators would trust what they say.
            poison.headers().add(RecordHeaders.PARTNER_ID, "cfa-btp-lyon".getBytes(StandardCharsets.UTF_8))
                    .add("HUB.Dead-Letter.Reasons", "forged reasons".getBytes(StandardCharsets.UTF_8))
                    .add(DeadLetters.FILE_NAME, "cfa-btp-lyon-2026-11-18.csv".getBytes(StandardCharsets.UTF_8))
                    .add("__connect.errors.file.row", "7".getBytes(StandardCharsets.UTF_8))
                    // And what a landlord's system may put in a header: it would be copied in clear (only the value
                    // of a dead letter is encrypted).
                    .add("x-locataire", "DUBOIS Léa".getBytes(StandardCharsets.UTF_8));
            producer.send(poison).get();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> deadLettersOf(key).size() == 1);
        ConsumerRecord<String, byte[]> deadLetter = deadLettersOf(key).get(0);
        assertThat(TopicReader.header(deadLetter, RecordHeaders.PARTNER_ID)).isIn(null, PARTNER);
        assertThat(TopicReader.header(deadLetter, DeadLetters.FILE_NAME)).isNull();
        assertThat(TopicReader.header(deadLetter, DeadLetters.FILE_ROW)).isNull();
        assertThat(TopicReader.header(deadLetter, DeadLetters.REASONS)).doesNotContain("forged");
        assertThat(deadLetter.headers()).noneMatch(header -> header.key().equalsIgnoreCase(DeadLetters.REASONS)
                && new String(header.value(), StandardCharsets.UTF_8).contains("forged"));
        assertThat(deadLetter.headers()).noneMatch(header -> header.value() != null
                && new String(header.value(), StandardCharsets.UTF_8).contains("DUBOIS"));
    }

    @Test
    void shouldCancelAReferralCreatedEarlierInTheSameBurst() throws Exception {
        String creation = "HDF-LOGIS-" + UUID.randomUUID();
        String cancellation = "HDF-LOGIS-" + UUID.randomUUID();
        byte[] created = Samples.text(SocialLandlordXmlReaderTest.SAMPLE_871)
                .replace("HDF-LOGIS-2026-000871", creation).getBytes(StandardCharsets.UTF_8);
        byte[] cancelled = Samples.landlordCancellation(cancellation, creation).getBytes(StandardCharsets.UTF_8);
        // Back to back: usually one batch, where the cancellation needs its creation published first.
        send(List.of(Map.entry(creation, created), Map.entry(cancellation, cancelled)));

        await().atMost(Duration.ofSeconds(60)).until(() -> published().stream()
                .anyMatch(r -> cancellation.equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID))));
        List<ConsumerRecord<String, byte[]>> both = published().stream()
                .filter(r -> List.of(creation, cancellation).contains(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)))
                .toList();
        assertThat(both).extracting(r -> TopicReader.header(r, RecordHeaders.EVENT_TYPE))
                .containsExactly("CREATED", "CANCELLED");
        // The cancellation is of the referral its creation made, under the same key (person reference).
        assertThat(TopicReader.header(both.get(1), RecordHeaders.REFERRAL_ID))
                .isEqualTo(TopicReader.header(both.get(0), RecordHeaders.REFERRAL_ID));
        assertThat(both.get(0).key()).isEqualTo(both.get(1).key());
    }

    private void send(List<Map.Entry<String, byte[]>> records) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(), new ByteArraySerializer())) {
            for (Map.Entry<String, byte[]> record : records) {
                // One partition: the marker comes after the duplicate.
                producer.send(new ProducerRecord<>(TOPIC, 0, record.getKey(), record.getValue())).get();
            }
        }
    }

    private List<ConsumerRecord<String, byte[]>> published() {
        return TopicReader.readToEnd(bootstrapServers, referralsTopic,
                r -> PARTNER.equals(TopicReader.header(r, RecordHeaders.PARTNER_ID)));
    }

    private List<ConsumerRecord<String, byte[]>> samplesPublished() {
        return published().stream().filter(r -> List.of("HDF-LOGIS-2026-000871", "HDF-LOGIS-2026-000902")
                .contains(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID))).toList();
    }

    private List<ConsumerRecord<String, byte[]>> deadLettersOf(String key) {
        return TopicReader.readToEnd(bootstrapServers, deadLettersTopic, r -> key.equals(r.key())
                && TOPIC.equals(TopicReader.header(r, "__connect.errors.topic")));
    }
}
