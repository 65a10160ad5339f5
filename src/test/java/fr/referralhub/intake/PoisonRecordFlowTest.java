package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import fr.referralhub.kafka.DeadLetterCipher;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.kafka.OversizedRecordException;
import fr.referralhub.operations.DeadLetterOperations;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import fr.referralhub.topics.TopicCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * No record blocks a landlord's intake partition, on a real broker: a record of almost 1 MB (accepted by an intake
 * topic created before its limit was declared), one of 20 MB gzipped into a few KB (which no topic limit catches),
 * and one whose dead letter the dead-letter topic cannot hold are each followed by a valid document, published within
 * seconds. The first two are dead-lettered as a digest (size, origin, encrypted SHA-256), the third is parked,
 * counted and listed on /ops/dead-letters.
 */
@HubTest
class PoisonRecordFlowTest {

    private static final String PARTNER = "logis-hdf";
    private static final String TOPIC = "intake." + PARTNER;
    private static final Duration WITHIN_SECONDS = Duration.ofSeconds(30);

    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Value("${hub.topics.referrals}")
    String referralsTopic;
    @Value("${hub.topics.dead-letters}")
    String deadLettersTopic;
    @Autowired
    DeadLetterOperations deadLetterOperations;
    @Autowired
    MeterRegistry meters;

    @Test
    void shouldDeadLetterTheDigestOfARecordOfAlmostOneMegabyteAndPublishTheNextOne() throws Exception {
        // As an intake topic created before the catalogue declared its limit: the broker takes up to its 1 MB default.
        setConfig(TOPIC, "max.message.bytes", String.valueOf(2 * 1024 * 1024));
        try {
            byte[] poison = padded(1_047_000);
            String valid = "HDF-LOGIS-" + UUID.randomUUID();
            List<RecordMetadata> sent = send(Map.of(), List.of(Map.entry("big-" + valid, poison),
                    Map.entry(valid, valid(valid))));

            await().atMost(WITHIN_SECONDS).until(() -> published(valid).size() == 1);
            assertDigestDeadLetter("big-" + valid, poison, sent.get(0));
        } finally {
            setConfig(TOPIC, "max.message.bytes",
                    String.valueOf(TopicCatalog.INTAKE_MAX_RECORD_BYTES + TopicCatalog.BATCH_HEADROOM_BYTES));
        }
    }

    @Test
    void shouldDeadLetterTheDigestOfTwentyMegabytesGzippedAndPublishTheNextOne() throws Exception {
        // 20 MB of one repeated byte gzips into about 20 KB: under every topic limit, 20 MB once consumed.
        byte[] poison = new byte[20 * 1024 * 1024];
        Arrays.fill(poison, (byte) ' ');
        String valid = "HDF-LOGIS-" + UUID.randomUUID();
        List<RecordMetadata> sent = send(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip",
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 32 * 1024 * 1024,
                        ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024),
                List.of(Map.entry("gzip-" + valid, poison), Map.entry(valid, valid(valid))));

        await().atMost(WITHIN_SECONDS).until(() -> published(valid).size() == 1);
        assertDigestDeadLetter("gzip-" + valid, poison, sent.get(0));
    }

    @Test
    void shouldParkARecordWhoseDeadLetterTheTopicCannotHoldAndPublishTheNextOne() throws Exception {
        Counter parked = meters.counter("hub.records.parked", "route", "social-landlord-intake", "topic", TOPIC);
        double parkedBefore = parked.count();
        String valid = "HDF-LOGIS-" + UUID.randomUUID();
        byte[] invalid = Samples.text(SocialLandlordXmlReaderTest.SAMPLE_902)
                .replace("<nature>CREATION</nature>", "<nature>INCONNUE</nature>").getBytes(StandardCharsets.UTF_8);
        // Smaller than any dead letter, even a digest: as a dead-letter topic misconfigured, or one that refuses.
        setConfig(deadLettersTopic, "max.message.bytes", "64");
        List<RecordMetadata> sent;
        try {
            sent = send(Map.of(), List.of(Map.entry("unholdable-" + valid, invalid), Map.entry(valid, valid(valid))));
            await().atMost(WITHIN_SECONDS).until(() -> published(valid).size() == 1);
        } finally {
            setConfig(deadLettersTopic, "max.message.bytes", String.valueOf(TopicCatalog.DEAD_LETTER_MAX_BYTES));
        }

        assertThat(parked.count()).isEqualTo(parkedBefore + 1);
        String origin = TOPIC + "/" + sent.get(0).partition() + "@" + sent.get(0).offset();
        DeadLetterOperations.Parked listed = deadLetterOperations.list(10, null, DeadLetterOperations.Filter.ALL)
                .parked();
        assertThat(listed.latest()).anySatisfy(entry -> {
            assertThat(entry.origin()).isEqualTo(origin);
            assertThat(entry.route()).isEqualTo("social-landlord-intake");
            assertThat(entry.bytes()).isGreaterThanOrEqualTo(invalid.length);
            assertThat(entry.reason()).startsWith("orientation/nature ").doesNotContain("INCONNUE");
            assertThat(entry.failure()).isNotBlank();
        });
    }

    private void assertDigestDeadLetter(String key, byte[] poison, RecordMetadata sent) throws Exception {
        List<ConsumerRecord<String, byte[]>> deadLetters = TopicReader.readToEnd(bootstrapServers, deadLettersTopic,
                r -> key.equals(r.key()) && TOPIC.equals(TopicReader.header(r, "__connect.errors.topic")));
        assertThat(deadLetters).singleElement().satisfies(deadLetter -> {
            assertThat(TopicReader.header(deadLetter, DeadLetters.ORIGINAL)).isEqualTo(DeadLetters.DIGEST);
            assertThat(Long.parseLong(TopicReader.header(deadLetter, DeadLetters.ORIGINAL_BYTES)))
                    .isGreaterThanOrEqualTo(poison.length);
            assertThat(TopicReader.header(deadLetter, DeadLetters.REASONS))
                    .startsWith("(record) " + OversizedRecordException.REASON);
            assertThat(TopicReader.header(deadLetter, "__connect.errors.partition"))
                    .isEqualTo(String.valueOf(sent.partition()));
            assertThat(TopicReader.header(deadLetter, "__connect.errors.offset")).isEqualTo(String.valueOf(sent.offset()));
            assertThat(deadLetter.value().length).isLessThan(1024);
            assertThat(new String(new DeadLetterCipher(DeadLetterCipher.DEVELOPMENT_KEY).decrypt(deadLetter.value()),
                    StandardCharsets.UTF_8)).isEqualTo("sha256:" + sha256(poison));
        });
        // Nothing to replay: the operator is told why, and where the original is.
        String id = deadLetters.get(0).partition() + "-" + deadLetters.get(0).offset();
        assertThat(deadLetterOperations.list(50, null, new DeadLetterOperations.Filter(null, TOPIC, null)).items())
                .filteredOn(d -> d.id().equals(id)).singleElement()
                .satisfies(d -> assertThat(d.replayable()).isFalse());
    }

    /** A document of {@code size} bytes: a landlord's sample padded with a comment (refused before it is read). */
    private static byte[] padded(int size) {
        byte[] start = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><!--".getBytes(StandardCharsets.UTF_8);
        byte[] document = new byte[size];
        Arrays.fill(document, (byte) 'x');
        System.arraycopy(start, 0, document, 0, start.length);
        return document;
    }

    private static byte[] valid(String identifiant) {
        return Samples.text(SocialLandlordXmlReaderTest.SAMPLE_871).replace("HDF-LOGIS-2026-000871", identifiant)
                .getBytes(StandardCharsets.UTF_8);
    }

    private List<RecordMetadata> send(Map<String, Object> settings, List<Map.Entry<String, byte[]>> records)
            throws Exception {
        Map<String, Object> config = new HashMap<>(settings);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            List<RecordMetadata> sent = new java.util.ArrayList<>();
            for (Map.Entry<String, byte[]> record : records) {
                // One partition: the valid document waits behind the bad one, as in the incident.
                sent.add(producer.send(new ProducerRecord<>(TOPIC, 0, record.getKey(), record.getValue())).get());
            }
            return sent;
        }
    }

    private List<ConsumerRecord<String, byte[]>> published(String partnerEventId) {
        return TopicReader.readToEnd(bootstrapServers, referralsTopic,
                r -> PARTNER.equals(TopicReader.header(r, RecordHeaders.PARTNER_ID))
                        && partnerEventId.equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)));
    }

    /** Sets a topic config and waits until the broker serves it. */
    private void setConfig(String topic, String name, String value) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(name, value),
                    AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> value.equals(admin.describeConfigs(List.of(resource))
                    .all().get(30, TimeUnit.SECONDS).get(resource).get(name).value()));
        }
    }

    private static String sha256(byte[] value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
    }
}
