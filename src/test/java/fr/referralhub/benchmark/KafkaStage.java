package fr.referralhub.benchmark;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;

import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Drives one Kafka-to-Kafka stage from outside, the same way for the baseline and for the hub: a load generator
 * writes the input topic (as fast as it can, or at a fixed rate), and a reader of the output topic matches every
 * output to its input by id. Latency of a record = when its output was read minus when its input was handed to the
 * producer (System.nanoTime, same JVM); throughput = records / (last output read - first input sent).
 */
final class KafkaStage implements AutoCloseable {

    private final String inputTopic;
    private final String outputTopic;
    private final Function<Object, String> outputId;
    private final Supplier<Throwable> processorFailure;
    private final Duration timeout;
    private final Producer<String, byte[]> load;
    private final KafkaConsumer<String, byte[]> reader;
    private final AvroDeserializer decoder;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "benchmark-load");
        thread.setDaemon(true);
        return thread;
    });

    /** A plain producer, for the baselines' own topics. */
    static Producer<String, byte[]> plainProducer(Map<String, Object> config) {
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * @param outputId         the id of the input a decoded output record answers (null if it is not one of ours)
     * @param processorFailure why the processor under test stopped, if it did (checked while waiting)
     * @param producers        makes the load's producer from its configuration (the hub's signing one for a hub topic:
     *                         its consumers refuse what the hub did not write)
     */
    KafkaStage(String bootstrapServers, SchemaRegistryProperties registry, String inputTopic, String outputTopic,
               Function<Object, String> outputId, Supplier<Throwable> processorFailure, Duration timeout,
               Function<Map<String, Object>, Producer<String, byte[]>> producers) {
        this.inputTopic = inputTopic;
        this.outputTopic = outputTopic;
        this.outputId = outputId;
        this.processorFailure = processorFailure;
        this.timeout = timeout;
        this.decoder = registry.specificDeserializer();
        this.load = producers.apply(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "benchmark-load-" + inputTopic,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0));
        this.reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "benchmark-reader-" + outputTopic,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = reader.partitionsFor(outputTopic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(outputTopic, p.partition())).toList();
        reader.assign(partitions);
        // Only what this benchmark makes from now on.
        reader.seekToEnd(partitions);
        partitions.forEach(p -> reader.position(p, Duration.ofSeconds(30)));
    }

    /**
     * Sends the inputs (their ids are {@code idPrefix + index}) and waits until every one has its output.
     *
     * @param ratePerSecond 0 = as fast as the producer goes
     * @param keepLatencies false for a throughput run (latencies are then queueing behind the backlog)
     */
    StageResult run(String label, List<BenchmarkData.Input> inputs, String idPrefix, int ratePerSecond,
                    boolean keepLatencies) {
        int count = inputs.size();
        AtomicLongArray sentAt = new AtomicLongArray(count);
        long[] latency = new long[count];
        boolean[] seen = new boolean[count];
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        long intervalNanos = ratePerSecond > 0 ? 1_000_000_000L / ratePerSecond : 0;

        long start = System.nanoTime();
        Future<?> sending = sender.submit(() -> {
            for (int i = 0; i < count && sendFailure.get() == null; i++) {
                if (intervalNanos > 0) {
                    long due = start + i * intervalNanos;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                BenchmarkData.Input input = inputs.get(i);
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(inputTopic, null, input.key(),
                        input.value(), input.headers());
                sentAt.set(i, System.nanoTime());
                load.send(record, (metadata, e) -> {
                    if (e != null) {
                        sendFailure.compareAndSet(null, e);
                    }
                });
            }
            load.flush();
        });

        long deadline = start + timeout.toNanos();
        int done = 0;
        long lastOutput = start;
        while (done < count) {
            long now = System.nanoTime();
            if (now > deadline) {
                sending.cancel(true);
                throw new StageFailure(label + " did not finish: " + done + " of " + count + " outputs on " + outputTopic
                        + " within " + timeout.toSeconds() + " s (raise -Dbenchmark.stageTimeoutSeconds, or look for"
                        + " dead letters / errors above)");
            }
            if (sendFailure.get() != null) {
                throw new StageFailure(label + ": the load generator could not write " + inputTopic, sendFailure.get());
            }
            Throwable failed = processorFailure.get();
            if (failed != null) {
                throw new StageFailure(label + ": the processor under test failed: " + failed, failed);
            }
            ConsumerRecords<String, byte[]> records = reader.poll(Duration.ofMillis(50));
            long arrived = System.nanoTime();
            for (ConsumerRecord<String, byte[]> record : records) {
                String id = outputId.apply(decoder.deserialize(record.topic(), record.value()));
                if (id == null || !id.startsWith(idPrefix)) {
                    continue;
                }
                int index = Integer.parseInt(id.substring(idPrefix.length()));
                if (index < 0 || index >= count || seen[index]) {
                    continue;
                }
                seen[index] = true;
                latency[index] = arrived - sentAt.get(index);
                lastOutput = arrived;
                done++;
            }
        }
        try {
            sending.get(timeout.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new StageFailure(label + ": the load generator did not finish", e);
        }
        return new StageResult(label, count, lastOutput - sentAt.get(0), keepLatencies ? latency : null,
                ratePerSecond);
    }

    @Override
    public void close() {
        sender.shutdownNow();
        load.close(Duration.ofSeconds(5));
        reader.close(Duration.ofSeconds(5));
    }
}
