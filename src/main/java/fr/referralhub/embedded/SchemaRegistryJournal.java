package fr.referralhub.embedded;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.referralhub.embedded.SchemaRegistryStore.Reference;
import fr.referralhub.embedded.SchemaRegistryStore.SchemaVersion;
import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.provenance.RecordProvenance;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded schema registry's durable state: a single-partition compacted Kafka topic holding Confluent's own
 * record formats, so the topic stays readable by (and from) a Confluent registry.
 *
 * <ul>
 *   <li>schema: key {@code {"keytype":"SCHEMA","subject":s,"version":v,"magic":1}},
 *       value {@code {"subject":s,"version":v,"id":id,"schema":canonical,"deleted":false}}, plus
 *       {@code "references":[{"name":n,"subject":s,"version":v}]} when it has some; {@code deleted} true is a soft
 *       delete, a tombstone (null value) a permanent one;</li>
 *   <li>compatibility: key {@code {"keytype":"CONFIG","subject":s or null,"magic":0}},
 *       value {@code {"compatibilityLevel":"BACKWARD"}}, a tombstone when the setting is removed;</li>
 *   <li>mode: key {@code {"keytype":"MODE","subject":s or null,"magic":0}},
 *       value {@code {"subject":s or null,"mode":"READONLY"}}, a tombstone when the setting is removed.</li>
 * </ul>
 * Confluent's {@code DELETE_SUBJECT} record (a subject soft-deleted up to a version) is read too; this registry
 * writes one deleted schema record per version instead, which Confluent reads as well.
 * Key fields keep Confluent's order: compaction compares key bytes, so a rewrite must produce the same bytes.
 *
 * <p>With the hub's {@link RecordProvenance}, every record is signed ({@code hub.provenance}) and a start reads only
 * signed ones: a record someone else put on the topic (a schema in place of the hub's under its id, or a record that
 * is not a registry record at all, which would stop the start) is refused, counted and logged as on the hub's other
 * topics (consumer {@value #CONSUMER}). A record written without a signature and replaced by a signed one of the same
 * key is superseded, not refused. A topic holding unsigned records only was written before the registry signed (or by
 * Confluent's), or someone replaced every signed record and waited for compaction: the start stops and says so.
 * Told to adopt unsigned records (once, by the operator; always in the dev profile, whose key is public), the registry
 * reads the topic as it is and writes its unsigned records again, signed.
 */
final class SchemaRegistryJournal implements AutoCloseable {

    /** The {@code consumer} tag of {@code hub.provenance.refused} for this topic's refused records. */
    static final String CONSUMER = "schema-registry";

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryJournal.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REPLAY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaConnection kafka;
    private final String topic;
    private final KafkaProducer<String, String> producer;
    /** Null: records are neither signed nor checked (a registry outside the hub, as tests start one). */
    private final RecordProvenance provenance;
    private final boolean adoptUnsigned;
    private volatile String clusterId = "";

    SchemaRegistryJournal(KafkaConnection kafka, String topic, RecordProvenance provenance, boolean adoptUnsigned) {
        this.kafka = kafka;
        this.topic = topic;
        this.provenance = provenance;
        this.adoptUnsigned = adoptUnsigned;
        if (provenance != null) {
            provenance.expect(CONSUMER);
        }
        this.producer = new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "embedded-schema-registry",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                // Bounded, so a registration answers 50001 instead of hanging while Kafka is away.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis())),
                new StringSerializer(), new StringSerializer());
    }

    /** Creates the topic if absent, then applies every record it may trust, oldest first, to the store. */
    void replayInto(SchemaRegistryStore store) {
        ensureTopic();
        TopicPartition partition = new TopicPartition(topic, 0);
        // The offset of each key's latest signed record, and the records not signed, judged once all are read.
        Map<String, Long> signedAt = new HashMap<>();
        List<ConsumerRecord<String, String>> unsigned = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "embedded-schema-registry-replay",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), KAFKA_TIMEOUT).get(partition);
            long deadline = System.nanoTime() + REPLAY_TIMEOUT.toNanos();
            while (consumer.position(partition, KAFKA_TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read schema registry topic '" + topic + "' to its end ("
                            + end + ") within " + REPLAY_TIMEOUT.toSeconds() + " s from " + kafka.bootstrapServers());
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    boolean signed = provenance != null && isSigned(record);
                    if (signed) {
                        signedAt.put(record.key(), record.offset());
                    } else if (provenance != null) {
                        unsigned.add(record);
                    }
                    // Applied in the topic's order when trusted; otherwise judged once every record is read.
                    if (provenance == null || signed || adoptUnsigned) {
                        apply(record, store);
                    }
                }
            }
        }
        unsigned.removeIf(record -> isReplacedBySigned(record, signedAt));
        if (unsigned.isEmpty()) {
            return;
        }
        if (adoptUnsigned) {
            adopt(unsigned);
        } else if (signedAt.isEmpty()) {
            // Serving none of them would give the hub's schemas new ids that these records may hold already.
            throw new IllegalStateException("Schema registry topic '" + topic + "' holds " + unsigned.size()
                    + " records and none signed by the hub: if they are this registry's from before it signed its "
                    + "records, start once with EMBEDDED_SCHEMA_REGISTRY_ADOPT_UNSIGNED=true to adopt them; "
                    + "otherwise someone else wrote this topic: check who may write it");
        } else {
            for (ConsumerRecord<String, String> record : unsigned) {
                provenance.check(CONSUMER, topic, record.partition(), record.offset(), record.key(),
                        utf8(record.value()), record.headers());
                reserveIdOf(record, store);
            }
        }
    }

    /**
     * The schema id a refused record names is never given to a new schema: once compaction kept a forged record in
     * place of a signed one of the same key, the id it names may still be in records on the hub's topics, which must
     * not decode with another schema.
     */
    private static void reserveIdOf(ConsumerRecord<String, String> record, SchemaRegistryStore store) {
        try {
            JsonNode value = record.value() == null ? null : JSON.readTree(record.value());
            if (value != null && value.path("id").canConvertToInt() && value.path("id").asInt() > 0) {
                store.reserveId(value.path("id").asInt());
            }
        } catch (JsonProcessingException notJson) {
            // Names no id.
        }
    }

    private boolean isSigned(ConsumerRecord<String, String> record) {
        return provenance.refusal(topic, record.key(), utf8(record.value()), record.headers()).isEmpty();
    }

    /** A record a signed one of the same key followed: whatever it said no longer holds, it is nobody's concern. */
    private static boolean isReplacedBySigned(ConsumerRecord<String, String> record, Map<String, Long> signedAt) {
        Long replacedAt = signedAt.get(record.key());
        return replacedAt != null && replacedAt > record.offset();
    }

    /**
     * Unsigned records the operator said to adopt (a topic written before this registry signed its records), already
     * applied: written again signed, the latest of each key in their order as compaction would keep them, so that
     * the next start finds signed records only.
     */
    private void adopt(List<ConsumerRecord<String, String>> records) {
        Map<String, String> latest = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            latest.remove(record.key());
            latest.put(record.key(), record.value());
        }
        latest.forEach(this::append);
        log.warn("Schema registry topic '{}': {} records the hub had not signed, adopted as asked "
                + "(EMBEDDED_SCHEMA_REGISTRY_ADOPT_UNSIGNED) and written again signed ({} records)", topic,
                records.size(), latest.size());
    }

    private static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** The id of the Kafka cluster holding the topic, known once {@link #replayInto} ran; Confluent reports it. */
    String clusterId() {
        return clusterId;
    }

    void appendSchema(SchemaVersion version) {
        ObjectNode key = schemaKey(version.subject(), version.version());
        ObjectNode value = JSON.createObjectNode()
                .put("subject", version.subject())
                .put("version", version.version())
                .put("id", version.id())
                .put("schema", version.schema())
                .put("deleted", version.deleted());
        if (!version.references().isEmpty()) {
            ArrayNode references = value.putArray("references");
            version.references().forEach(r -> references.addObject()
                    .put("name", r.name()).put("subject", r.subject()).put("version", r.version()));
        }
        append(key, value);
    }

    /** A permanent delete: compaction then forgets the version. */
    void appendSchemaRemoval(String subject, int version) {
        append(schemaKey(subject, version), null);
    }

    /** {@code level} null removes the setting. */
    void appendCompatibility(String subjectOrNull, SchemaRegistryCompatibility level) {
        append(settingKey("CONFIG", subjectOrNull),
                level == null ? null : JSON.createObjectNode().put("compatibilityLevel", level.name()));
    }

    /** {@code mode} null removes the setting. */
    void appendMode(String subjectOrNull, SchemaRegistryMode mode) {
        ObjectNode value = null;
        if (mode != null) {
            value = JSON.createObjectNode();
            if (subjectOrNull == null) {
                value.putNull("subject");
            } else {
                value.put("subject", subjectOrNull);
            }
            value.put("mode", mode.name());
        }
        append(settingKey("MODE", subjectOrNull), value);
    }

    private static ObjectNode schemaKey(String subject, int version) {
        return JSON.createObjectNode()
                .put("keytype", "SCHEMA")
                .put("subject", subject)
                .put("version", version)
                .put("magic", 1);
    }

    private static ObjectNode settingKey(String keyType, String subjectOrNull) {
        ObjectNode key = JSON.createObjectNode().put("keytype", keyType);
        if (subjectOrNull == null) {
            key.putNull("subject");
        } else {
            key.put("subject", subjectOrNull);
        }
        return key.put("magic", 0);
    }

    /** {@code value} null writes a tombstone. */
    private void append(ObjectNode key, ObjectNode value) {
        try {
            append(JSON.writeValueAsString(key), value == null ? null : JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw SchemaRegistryApiError.storeError(topic, e);
        }
    }

    private void append(String key, String value) {
        Headers headers = new RecordHeaders();
        if (provenance != null) {
            provenance.sign(topic, utf8(key), utf8(value), headers);
        }
        try {
            producer.send(new ProducerRecord<>(topic, 0, key, value, headers)).get();
        } catch (ExecutionException e) {
            throw SchemaRegistryApiError.storeError(topic, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SchemaRegistryApiError.storeError(topic, e);
        } catch (KafkaException e) {
            throw SchemaRegistryApiError.storeError(topic, e);
        }
    }

    private void apply(ConsumerRecord<String, String> record, SchemaRegistryStore store) {
        try {
            JsonNode key = JSON.readTree(record.key());
            JsonNode value = record.value() == null ? null : JSON.readTree(record.value());
            switch (key.path("keytype").asText()) {
                case "SCHEMA" -> applySchema(key, value, store);
                case "CONFIG" -> {
                    // A tombstone, or a config record carrying other settings only, leaves no level.
                    String level = value == null ? null : textOrNull(value, "compatibilityLevel");
                    store.applyCompatibility(textOrNull(key, "subject"),
                            level == null ? null : SchemaRegistryCompatibility.parse(level));
                }
                case "MODE" -> {
                    String mode = value == null ? null : textOrNull(value, "mode");
                    store.applyMode(textOrNull(key, "subject"), mode == null ? null : SchemaRegistryMode.parse(mode));
                }
                case "DELETE_SUBJECT" -> {
                    if (value != null) {
                        store.applySubjectDeletion(required(value, "subject").asText(), required(value, "version").asInt());
                    }
                }
                default -> {
                    // NOOP, CLEAR_SUBJECT, CONTEXT...: Confluent bookkeeping that carries nothing this registry serves.
                }
            }
        } catch (JsonProcessingException | IllegalArgumentException | SchemaRegistryApiError e) {
            throw new IllegalStateException("Record at offset " + record.offset() + " of topic '" + topic
                    + "' is not a schema registry record (key " + record.key() + "): " + e.getMessage(), e);
        }
    }

    private void applySchema(JsonNode key, JsonNode value, SchemaRegistryStore store) {
        if (value == null) {
            store.applySchemaRemoval(required(key, "subject").asText(), required(key, "version").asInt());
            return;
        }
        int id = required(value, "id").asInt();
        String type = value.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            log.warn("Schema id {} in topic '{}' is of type {}: this registry serves Avro only and skips it", id, topic, type);
            store.reserveId(id);
            return;
        }
        List<Reference> references = new ArrayList<>();
        for (JsonNode reference : value.path("references")) {
            references.add(new Reference(required(reference, "name").asText(), required(reference, "subject").asText(),
                    required(reference, "version").asInt()));
        }
        store.applySchema(new SchemaVersion(required(value, "subject").asText(), required(value, "version").asInt(), id,
                required(value, "schema").asText(), references, value.path("deleted").asBoolean(false)));
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("no " + field);
        }
        return value;
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private void ensureTopic() {
        try (Admin admin = Admin.create(kafka.clientConfig(Map.of()))) {
            clusterId = admin.describeCluster().clusterId().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                admin.createTopics(List.of(newTopic)).all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic).partitions().size();
            if (partitions != 1) {
                throw new IllegalStateException("Schema registry topic '" + topic + "' has " + partitions
                        + " partitions: it needs exactly one, so that its records keep their order");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create or check schema registry topic '" + topic + "' on "
                    + kafka.bootstrapServers() + ": " + (e.getCause() != null ? e.getCause().getMessage() : e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating schema registry topic '" + topic + "'", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
