package fr.referralhub.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A compacted topic of JSON (or any text) values, read as a table: {@link #start} reads it from the beginning to its
 * end before returning, then a background thread keeps following it, handing every record (tombstones included) to
 * the owner's handler in topic order. Every hub instance does the same, so a write by one instance reaches all of
 * them, and a restarted one rebuilds its table from the topic.
 *
 * <p>{@link #write} returns once the broker acknowledged the record AND this instance's own tail applied it: a caller
 * reads its own writes, and a concurrent write from another instance is applied in the one order the topic gives.
 */
public final class CompactedTopicView implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CompactedTopicView.class);
    private static final Duration REBUILD_LIMIT = Duration.ofMinutes(2);
    private static final Duration WRITE_LIMIT = Duration.ofSeconds(30);

    private final String topic;
    private final Consumer<ConsumerRecord<String, String>> handler;
    private final KafkaConsumer<String, String> tail;
    private final KafkaProducer<String, String> producer;
    /** Next offset to apply, per partition: what {@link #write} waits on. Guarded by itself. */
    private final Map<TopicPartition, Long> applied = new HashMap<>();
    private volatile boolean running;
    private Thread tailThread;

    /**
     * @param name    for logs and client ids, e.g. "subscriptions"
     * @param handler applies one record to the owner's table; called on the tail thread only, in topic order
     */
    public CompactedTopicView(String bootstrapServers, String topic, String name,
                              Consumer<ConsumerRecord<String, String>> handler) {
        this.topic = topic;
        this.handler = handler;
        this.tail = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "referral-hub-" + name + "-tail"),
                new StringDeserializer(), new StringDeserializer());
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.CLIENT_ID_CONFIG, "referral-hub-" + name + "-writer"),
                new StringSerializer(), new StringSerializer());
    }

    /** Reads the topic to its end (the table is complete when this returns), then follows it in the background. */
    public void start() {
        List<TopicPartition> partitions = tail.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        tail.assign(partitions);
        tail.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = tail.endOffsets(partitions);
        long deadline = System.nanoTime() + REBUILD_LIMIT.toNanos();
        while (end.entrySet().stream().anyMatch(e -> tail.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                // Working from half a table would route referrals to the wrong services: refuse to start instead.
                throw new IllegalStateException("Could not read " + topic + " to its end within "
                        + REBUILD_LIMIT.toSeconds() + " s");
            }
            apply(tail.poll(Duration.ofMillis(200)));
        }
        markPositions(partitions);
        running = true;
        tailThread = new Thread(this::keepTailing, topic + "-tail");
        tailThread.setDaemon(true);
        tailThread.start();
    }

    /**
     * Writes one record (null value = tombstone) and returns once it is acknowledged and applied here.
     *
     * @throws IllegalStateException when the broker does not acknowledge or the tail does not get there in time
     */
    public void write(String key, String value, Map<String, String> headers) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((name, text) -> record.headers().add(new RecordHeader(name, text.getBytes(StandardCharsets.UTF_8))));
        awaitAll(List.of(producer.send(record)));
    }

    /** Writes several records (key to value) and returns once all are acknowledged and applied here. */
    public void writeAll(Map<String, String> values) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        values.forEach((key, value) -> sent.add(producer.send(new ProducerRecord<>(topic, key, value))));
        awaitAll(sent);
    }

    private void awaitAll(List<Future<RecordMetadata>> sent) {
        long deadline = System.nanoTime() + WRITE_LIMIT.toNanos();
        for (Future<RecordMetadata> one : sent) {
            RecordMetadata written;
            try {
                written = one.get(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())),
                        TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while writing to " + topic, e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("Kafka did not acknowledge the write to " + topic, e);
            }
            awaitApplied(new TopicPartition(written.topic(), written.partition()), written.offset());
        }
    }

    private void awaitApplied(TopicPartition partition, long offset) {
        long deadline = System.nanoTime() + WRITE_LIMIT.toNanos();
        synchronized (applied) {
            while (applied.getOrDefault(partition, 0L) <= offset) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !running) {
                    throw new IllegalStateException("The write to " + topic + " is stored but not yet applied here");
                }
                try {
                    applied.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for " + topic, e);
                }
            }
        }
    }

    private void keepTailing() {
        try {
            while (running) {
                apply(tail.poll(Duration.ofSeconds(1)));
                markPositions(tail.assignment());
            }
        } catch (WakeupException e) {
            // close() woke us up
        } catch (Exception e) {
            running = false;
            log.error("Stopped following {}: changes made by other instances are no longer seen", topic, e);
        } finally {
            tail.close();
            synchronized (applied) {
                applied.notifyAll();
            }
        }
    }

    private void apply(Iterable<ConsumerRecord<String, String>> records) {
        for (ConsumerRecord<String, String> record : records) {
            try {
                handler.accept(record);
            } catch (RuntimeException e) {
                // One bad record must not blind the instance to every later change: it is logged and skipped.
                log.error("Ignoring record {}-{}@{} of {} (key {}): {}", record.topic(), record.partition(),
                        record.offset(), topic, record.key(), e.getMessage());
            }
        }
    }

    private void markPositions(Iterable<TopicPartition> partitions) {
        synchronized (applied) {
            for (TopicPartition partition : partitions) {
                applied.put(partition, tail.position(partition));
            }
            applied.notifyAll();
        }
    }

    public boolean isRunning() {
        return running;
    }

    @Override
    public void close() {
        running = false;
        tail.wakeup();
        if (tailThread != null) {
            try {
                tailThread.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            tail.close();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
