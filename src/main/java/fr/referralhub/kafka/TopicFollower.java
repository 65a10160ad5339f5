package fr.referralhub.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import fr.referralhub.kafkaclient.KafkaConnection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads topics from their beginning to their end, then keeps following them: how the hub's small in-memory views
 * (partner history over a window, subscriptions) are rebuilt from Kafka at start-up and kept current
 * with what other instances write. Kafka stays the only store; a view cannot drift from what was really written.
 *
 * <p>No consumer group: each instance reads every partition itself (assign, not subscribe), so no rebalance ever
 * hides part of a view. {@link #start} returns only once the records that existed at start were all handed to the
 * handler: a view is complete before the routes that use it start. It refuses to start after two minutes rather than
 * serve half a view (half a de-duplication index lets duplicates through; half a status history accepts impossible
 * changes).
 *
 * <p>The handler runs on one thread (the caller's during {@link #start}, then the follower's), in partition order. A
 * handler exception is logged and that record skipped: one unreadable record must not blind the view to every later
 * one.
 */
public final class TopicFollower<K, V> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration REBUILD_LIMIT = Duration.ofMinutes(2);

    private final String name;
    private final Collection<String> topics;
    private final Consumer<ConsumerRecord<K, V>> handler;
    private final KafkaConsumer<K, V> consumer;
    /** Next offset to hand over, per partition: what {@link #awaitApplied} waits on. Guarded by itself. */
    private final Map<TopicPartition, Long> applied = new HashMap<>();
    private volatile boolean running;
    private Thread thread;
    /** Where reading starts: the beginning (null), or the first record written at or after this time. */
    private Instant from;

    /**
     * @param name    what the view is, for logs, the client id and the thread name, e.g. "status-book"
     * @param handler applies one record to the view
     */
    public TopicFollower(String name, KafkaConnection kafka, Collection<String> topics, Deserializer<K> keys,
                         Deserializer<V> values, Consumer<ConsumerRecord<K, V>> handler) {
        this.name = name;
        this.topics = List.copyOf(topics);
        this.handler = handler;
        this.consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                // Only what producers committed: a view never shows a write that was rolled back.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                ConsumerConfig.CLIENT_ID_CONFIG, "referral-hub-" + name)),
                keys, values);
    }

    /**
     * Reads only the records written since {@code from} (a view that needs no older history, so its start-up does not
     * grow with the topic's). Call before {@link #start}.
     */
    public TopicFollower<K, V> since(Instant from) {
        this.from = from;
        return this;
    }

    /** Reads every partition of the topics to the end it has now, then follows them in the background. */
    public void start() {
        long started = System.nanoTime();
        long records;
        try {
            records = readToEnd();
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        log.info("{}: read {} records of {} in {} ms, now following", name, records, topics,
                (System.nanoTime() - started) / 1_000_000);
        running = true;
        thread = new Thread(this::follow, name + "-follower");
        thread.setDaemon(true);
        thread.start();
    }

    private long readToEnd() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        if (from != null) {
            Map<TopicPartition, Long> at = new HashMap<>();
            partitions.forEach(partition -> at.put(partition, from.toEpochMilli()));
            consumer.offsetsForTimes(at, Duration.ofSeconds(30)).forEach((partition, found) -> {
                if (found != null) {
                    consumer.seek(partition, found.offset());
                } else {
                    // Nothing written since: start at the end.
                    consumer.seekToEnd(List.of(partition));
                }
            });
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long deadline = System.nanoTime() + REBUILD_LIMIT.toNanos();
        long records = 0;
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " could not read " + topics + " to its end within "
                        + REBUILD_LIMIT.toSeconds() + " s; refusing to start with half a view");
            }
            records += handOver(consumer.poll(Duration.ofMillis(200)));
        }
        markPositions();
        return records;
    }

    private void follow() {
        try {
            while (running) {
                handOver(consumer.poll(Duration.ofSeconds(1)));
                markPositions();
            }
        } catch (WakeupException e) {
            // close() woke us up
        } catch (Exception e) {
            running = false;
            log.error("{} stopped following {}: what other instances write is no longer seen here", name, topics, e);
        } finally {
            consumer.close();
            synchronized (applied) {
                applied.notifyAll();
            }
        }
    }

    private int handOver(Iterable<ConsumerRecord<K, V>> polled) {
        int count = 0;
        for (ConsumerRecord<K, V> record : polled) {
            count++;
            try {
                handler.accept(record);
            } catch (RuntimeException e) {
                log.error("{}: ignoring record {}-{}@{} (key {}): {}", name, record.topic(), record.partition(),
                        record.offset(), record.key(), e.getMessage());
            }
        }
        return count;
    }

    private void markPositions() {
        synchronized (applied) {
            for (TopicPartition partition : consumer.assignment()) {
                applied.put(partition, consumer.position(partition));
            }
            applied.notifyAll();
        }
    }

    /**
     * Waits until the record at {@code offset} of {@code partition} was handed to the handler: after the broker
     * acknowledged a write, the writer reads its own write from the view.
     *
     * @throws IllegalStateException when it does not get there within {@code limit}, or the follower stopped
     */
    public void awaitApplied(TopicPartition partition, long offset, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (applied) {
            while (applied.getOrDefault(partition, 0L) <= offset) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !running) {
                    throw new IllegalStateException("The write to " + partition + " is stored but not yet seen by "
                            + name);
                }
                try {
                    applied.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for " + name, e);
                }
            }
        }
    }

    public boolean isRunning() {
        return running;
    }

    @Override
    public void close() {
        running = false;
        if (thread == null) {
            consumer.close();
            return;
        }
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
