package fr.referralhub.operations;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.topics.HubTopicProperties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.stereotype.Component;

/**
 * Reads the dead-letter topic for operators, each call with its own short-lived consumer (assigned partitions and
 * seeks, no consumer group: nothing is committed and no group shows up in the broker's list).
 *
 * <p>A page is newest first: each partition is read backwards from its end in chunks and the partitions are merged
 * by timestamp. The cursor ({@code next}, passed back as {@code before}) is, per partition, the offset below which
 * the next page continues, so pages neither skip nor repeat a dead letter however many are written meanwhile.
 */
@Component
public class DeadLetterStore {

    /** A filtered page stops after reading this many records, so one request cannot read an entire large topic. */
    static final int MAX_SCANNED = 10_000;
    /** Records read at once by {@link #count(Predicate)}. */
    private static final int COUNT_CHUNK = 500;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final AtomicInteger READERS = new AtomicInteger();

    private final KafkaConnection kafka;
    private final String topic;

    public DeadLetterStore(KafkaConnection kafka, HubTopicProperties topics) {
        this.kafka = kafka;
        this.topic = topics.deadLetters();
    }

    public String topic() {
        return topic;
    }

    /**
     * One page of dead letters, newest first.
     *
     * @param before the {@code next} cursor of the previous page, or null for the newest
     * @param filter which dead letters to keep (by route, topic, partner...)
     */
    public Page list(int limit, String before, Predicate<ConsumerRecord<String, byte[]>> filter) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> cursor = new LinkedHashMap<>(before == null ? end : parseCursor(before, partitions));
            Map<TopicPartition, Long> lowestRead = new HashMap<>(cursor);
            Map<TopicPartition, Deque<ConsumerRecord<String, byte[]>>> buffers = new HashMap<>();
            partitions.forEach(p -> buffers.put(p, new ArrayDeque<>()));
            int chunk = Math.max(limit, 50);
            int scanned = 0;
            List<ConsumerRecord<String, byte[]>> page = new ArrayList<>();
            while (page.size() < limit && scanned < MAX_SCANNED) {
                for (TopicPartition partition : partitions) {
                    long low = lowestRead.get(partition);
                    long first = begin.get(partition);
                    if (buffers.get(partition).isEmpty() && low > first) {
                        long from = Math.max(first, low - chunk);
                        List<ConsumerRecord<String, byte[]>> read = read(consumer, partition, from, low);
                        scanned += read.size();
                        // Newest first within the partition.
                        for (int i = read.size() - 1; i >= 0; i--) {
                            buffers.get(partition).addLast(read.get(i));
                        }
                        lowestRead.put(partition, from);
                    }
                }
                // The newest head among the partitions; within a partition, strictly by offset (the cursor relies on it).
                Optional<TopicPartition> newest = partitions.stream().filter(p -> !buffers.get(p).isEmpty())
                        .max(Comparator.<TopicPartition>comparingLong(p -> buffers.get(p).peekFirst().timestamp())
                                .thenComparingInt(TopicPartition::partition));
                if (newest.isEmpty()) {
                    break;
                }
                ConsumerRecord<String, byte[]> record = buffers.get(newest.get()).pollFirst();
                cursor.put(newest.get(), record.offset());
                if (filter.test(record)) {
                    page.add(record);
                }
            }
            boolean more = partitions.stream().anyMatch(p -> cursor.get(p) > begin.get(p));
            long total = partitions.stream().mapToLong(p -> end.get(p) - begin.get(p)).sum();
            return new Page(page, more ? formatCursor(cursor) : null, total);
        }
    }

    /** A page of dead-letter records; {@code next} is null when the topic is read to its beginning. */
    public record Page(List<ConsumerRecord<String, byte[]>> records, String next, long total) {
    }

    /** One dead letter by its id ({@code <partition>-<offset>}). */
    public Optional<ConsumerRecord<String, byte[]>> find(String id) {
        int dash = id.indexOf('-');
        int partition;
        long offset;
        try {
            partition = Integer.parseInt(id.substring(0, Math.max(dash, 0)));
            offset = Long.parseLong(id.substring(dash + 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            TopicPartition wanted = new TopicPartition(topic, partition);
            if (!partitions(consumer).contains(wanted)) {
                return Optional.empty();
            }
            long begin = consumer.beginningOffsets(List.of(wanted), TIMEOUT).get(wanted);
            long end = consumer.endOffsets(List.of(wanted), TIMEOUT).get(wanted);
            if (offset < begin || offset >= end) {
                return Optional.empty();
            }
            return read(consumer, wanted, offset, offset + 1).stream().filter(r -> r.offset() == offset).findFirst();
        }
    }

    /** How many dead letters the topic holds (every partition, from its first retained record to its end). */
    public long count() {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
            return consumer.endOffsets(partitions, TIMEOUT).entrySet().stream()
                    .mapToLong(e -> e.getValue() - begin.get(e.getKey())).sum();
        }
    }

    /**
     * How many dead letters of the topic match the filter: reads the whole topic, a chunk at a time (an operator's
     * filtered listing; the topic holds what failed, not the traffic).
     */
    public long count(Predicate<ConsumerRecord<String, byte[]>> filter) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long matching = 0;
            for (TopicPartition partition : partitions) {
                for (long from = begin.get(partition); from < end.get(partition); from += COUNT_CHUNK) {
                    long to = Math.min(end.get(partition), from + COUNT_CHUNK);
                    matching += read(consumer, partition, from, to).stream().filter(filter).count();
                }
            }
            return matching;
        }
    }

    /**
     * The records of {@code [from, to)} of one partition (fewer if some offsets are transaction markers), with a
     * short-lived consumer of its own; also how {@link ParkedRecordStore} reads the newest parked records.
     */
    static <V> List<ConsumerRecord<String, V>> read(KafkaConsumer<String, V> consumer, TopicPartition partition,
                                                    long from, long to) {
        consumer.assign(List.of(partition));
        consumer.seek(partition, from);
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (consumer.position(partition, TIMEOUT) < to) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Could not read " + partition + " from " + from + " to " + to
                        + " within " + TIMEOUT.toSeconds() + " s");
            }
            for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() >= from && record.offset() < to) {
                    records.add(record);
                }
            }
        }
        return records;
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer) {
        return consumer.partitionsFor(topic, TIMEOUT).stream().map(p -> new TopicPartition(topic, p.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
    }

    /** {@code 0:15,1:7,2:22}: per partition, the offset below which the next page continues. */
    private static String formatCursor(Map<TopicPartition, Long> cursor) {
        return cursor.entrySet().stream().map(e -> e.getKey().partition() + ":" + e.getValue())
                .collect(Collectors.joining(","));
    }

    private Map<TopicPartition, Long> parseCursor(String before, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> cursor = new LinkedHashMap<>();
        try {
            for (String part : before.split(",")) {
                String[] pair = part.split(":");
                cursor.put(new TopicPartition(topic, Integer.parseInt(pair[0].strip())), Long.parseLong(pair[1].strip()));
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("before: expected the 'next' value of a previous page, e.g. 0:15,1:7,2:22");
        }
        if (!cursor.keySet().containsAll(partitions) || !partitions.containsAll(cursor.keySet())) {
            throw new IllegalArgumentException("before: expected one offset per partition of " + topic
                    + " (the 'next' value of a previous page)");
        }
        return cursor;
    }

    private KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // Unique: two readers at once must not clash on their client metrics' names.
                ConsumerConfig.CLIENT_ID_CONFIG, "referral-hub-dead-letter-reader-" + READERS.incrementAndGet(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500)),
                new StringDeserializer(), new ByteArrayDeserializer());
    }
}
