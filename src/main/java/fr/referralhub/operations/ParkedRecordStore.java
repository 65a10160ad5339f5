package fr.referralhub.operations;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.provenance.RecordProvenance;
import fr.referralhub.operations.DeadLetterOperations.Parked;
import fr.referralhub.operations.DeadLetterOperations.ParkedRecord;
import fr.referralhub.topics.HubTopicProperties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.stereotype.Component;

/**
 * The records the hub parked (skipped because not even their dead letter could be written, see
 * {@code fr.referralhub.kafka.RecordParking}), for {@code /ops/dead-letters}: read from {@code parked-records.v1}, so
 * every instance shows those of all instances. Only the newest few are read, with a short-lived consumer (assigned
 * partitions, no group), like {@link DeadLetterStore}: parking is rare, and the topic is its own bound. An entry the
 * hub did not write (no valid {@code hub.provenance}) is left out of the listing, counted and logged once
 * (fr.referralhub.provenance): a forged entry could otherwise send an operator after records that were never parked.
 */
@Component
class ParkedRecordStore {

    /** The newest entries a listing shows. */
    static final int SHOWN = 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final AtomicInteger READERS = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The consumer name of this listing in provenance counts. */
    static final String CONSUMER = "parked-records";

    private final KafkaConnection kafka;
    private final String topic;
    private final RecordProvenance provenance;

    ParkedRecordStore(KafkaConnection kafka, HubTopicProperties topics, RecordProvenance provenance) {
        this.kafka = kafka;
        this.topic = topics.parkedRecords();
        this.provenance = provenance;
        provenance.expect(CONSUMER);
    }

    Parked newest() {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long total = partitions.stream().mapToLong(p -> end.get(p) - begin.get(p)).sum();
            List<ParkedRecord> latest = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                long from = Math.max(begin.get(partition), end.get(partition) - SHOWN);
                if (from < end.get(partition)) {
                    DeadLetterStore.read(consumer, partition, from, end.get(partition)).stream()
                            .filter(r -> provenance.checkEachOnce(CONSUMER, r).isEmpty())
                            .forEach(r -> latest.add(parse(r)));
                }
            }
            latest.sort(Comparator.comparing(ParkedRecord::parkedAt,
                    Comparator.nullsLast(Comparator.reverseOrder())));
            return new Parked(topic, total, List.copyOf(latest.subList(0, Math.min(SHOWN, latest.size()))));
        }
    }

    private static ParkedRecord parse(ConsumerRecord<String, byte[]> record) {
        try {
            JsonNode entry = JSON.readTree(record.value());
            return new ParkedRecord(record.key(), Instant.parse(entry.path("parkedAt").asText()),
                    text(entry, "route"), text(entry, "topic"), text(entry, "partition"), text(entry, "offset"),
                    entry.hasNonNull("bytes") ? entry.get("bytes").asLong() : null, text(entry, "reason"),
                    text(entry, "failure"));
        } catch (Exception unreadable) {
            // Written by another tool, or damaged: still listed, by its origin and time.
            return new ParkedRecord(record.key(), Instant.ofEpochMilli(record.timestamp()), null, null, null, null,
                    null, "(entry unreadable)", null);
        }
    }

    private static String text(JsonNode entry, String field) {
        return entry.hasNonNull(field) ? entry.get(field).asText() : null;
    }

    private KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "referral-hub-parked-reader-" + READERS.incrementAndGet())),
                new StringDeserializer(), new ByteArrayDeserializer());
    }
}
