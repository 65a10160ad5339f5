package fr.referralhub.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.provenance.HubKafkaClients;
import fr.referralhub.provenance.RecordProvenance;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A compacted topic of JSON (or any text) values, read as a table: {@link #start} reads it from the beginning to its
 * end before returning, then a background thread keeps following it, handing every record (tombstones included) to
 * the owner's handler in topic order. Every hub instance does the same, so a write by one instance reaches all of
 * them, and a restarted one rebuilds its table from the topic.
 *
 * <p>{@link #write} returns once the broker acknowledged the record AND this instance's own follower applied it: a
 * caller reads its own writes, and a concurrent write from another instance is applied in the one order the topic
 * gives. The reading is {@link TopicFollower}'s.
 *
 * <p>The view is the hub's alone: its writes are signed, and a record the hub did not write (tombstones included) is
 * left out, counted under the view's name ({@link RecordProvenance}), never handed to the owner.
 */
public final class CompactedTopicView implements AutoCloseable {

    private static final Duration WRITE_LIMIT = Duration.ofSeconds(30);

    private final String topic;
    private final TopicFollower<String, byte[]> follower;
    private final Producer<String, String> producer;

    /**
     * @param name    for logs, client ids and the provenance counter's {@code consumer} tag, e.g. "subscriptions"
     * @param handler applies one record to the owner's table; called on the follower thread only, in topic order
     */
    public CompactedTopicView(KafkaConnection kafka, String topic, String name, HubKafkaClients clients,
                              RecordProvenance provenance, Consumer<ConsumerRecord<String, String>> handler) {
        this.topic = topic;
        provenance.expect(name);
        this.follower = new TopicFollower<>(name + "-view", kafka, List.of(topic), new StringDeserializer(),
                new ByteArrayDeserializer(), record -> {
                    if (provenance.check(name, record).isEmpty()) {
                        handler.accept(asText(record));
                    }
                });
        this.producer = clients.producer(kafka.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.CLIENT_ID_CONFIG, "referral-hub-" + name + "-writer")),
                new StringSerializer(), new StringSerializer());
    }

    /** The record with its value as text, once its bytes were checked. */
    private static ConsumerRecord<String, String> asText(ConsumerRecord<String, byte[]> record) {
        return new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
                record.timestampType(), record.serializedKeySize(), record.serializedValueSize(), record.key(),
                record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8), record.headers(),
                record.leaderEpoch());
    }

    /** Reads the topic to its end (the table is complete when this returns), then follows it in the background. */
    public void start() {
        follower.start();
    }

    /**
     * Writes one record (null value = tombstone) and returns once it is acknowledged and applied here.
     *
     * @throws IllegalStateException when the broker does not acknowledge or the follower does not get there in time
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
            follower.awaitApplied(new TopicPartition(written.topic(), written.partition()), written.offset(),
                    Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
    }

    public boolean isRunning() {
        return follower.isRunning();
    }

    @Override
    public void close() {
        follower.close();
        producer.close(Duration.ofSeconds(5));
    }
}
