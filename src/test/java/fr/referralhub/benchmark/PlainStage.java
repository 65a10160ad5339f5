package fr.referralhub.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.eligibility.EligibilityEngine;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.AvroSerializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A baseline: a plain kafka-clients consume-transform-produce loop, with the hub's delivery guarantees (acks=all,
 * idempotent producer, no auto-commit, offsets committed only after the output is acknowledged), per poll batch:
 * transform and send every record, flush, check every send, then commit.
 *
 * <p>The "same work" variant ({@link #decideSameWork}) is the referral state's work without Kafka Streams and
 * without the hub's code: as many loops as the referral state has stream threads, each a transaction per poll batch
 * (exactly once, like {@code exactly_once_v2}), and for each event as many records as the referral state writes per
 * event (its decision, and copies of it on other topics standing for the publication, the counselling records, the
 * feedback, the answer and the stores' changelogs). It says what those records and that guarantee cost by
 * themselves, so the referral state's ratio to it is the price of the hub's own code.
 */
final class PlainStage implements AutoCloseable {

    /** The per-record work; null = nothing to produce for this record. */
    interface Transform {
        Output apply(ConsumerRecord<String, byte[]> record);
    }

    record Output(String key, Object value) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final String name;
    private final String outputTopic;
    private final Transform transform;
    /** Topics each output is also written to (the same-work baseline), and how many of them to use. */
    private final List<String> copyTopics;
    private final AtomicInteger copies = new AtomicInteger();
    private final boolean transactional;
    private final List<Loop> loops = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;
    // Where the loops' time goes, reported by describe().
    private final LongAdder batches = new LongAdder();
    private final LongAdder processed = new LongAdder();
    private final LongAdder pollNanos = new LongAdder();
    private final LongAdder transformNanos = new LongAdder();
    private final LongAdder flushNanos = new LongAdder();
    private final LongAdder commitNanos = new LongAdder();
    private final LongAdder busyCpuNanos = new LongAdder();

    private PlainStage(String name, String bootstrapServers, SchemaRegistryProperties registry, String inputTopic,
                       String outputTopic, Transform transform, int threads, boolean transactional,
                       List<String> copyTopics) {
        this.name = name;
        this.outputTopic = outputTopic;
        this.transform = transform;
        this.transactional = transactional;
        this.copyTopics = copyTopics;
        for (int i = 0; i < threads; i++) {
            loops.add(new Loop(bootstrapServers, registry, inputTopic, i));
        }
        loops.forEach(loop -> loop.thread.start());
    }

    /** One consumer, one producer, one thread: the loop itself. */
    private final class Loop {
        final KafkaConsumer<String, byte[]> consumer;
        final KafkaProducer<String, Object> producer;
        final Thread thread;

        Loop(String bootstrapServers, SchemaRegistryProperties registry, String inputTopic, int index) {
            String clientId = "benchmark-" + name + (index == 0 ? "" : "-" + index);
            this.consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.GROUP_ID_CONFIG, "benchmark-" + name,
                    ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new StringDeserializer(), new ByteArrayDeserializer());
            Map<String, Object> producerConfig = new HashMap<>();
            if (transactional) {
                producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, clientId);
            }
            this.producer = avroProducer(bootstrapServers, registry, clientId, producerConfig);
            if (transactional) {
                producer.initTransactions();
            }
            consumer.subscribe(List.of(inputTopic));
            this.thread = new Thread(this::run, "baseline-" + name + (index == 0 ? "" : "-" + index));
            thread.setDaemon(true);
        }

        private void run() {
            try {
                List<Future<RecordMetadata>> sends = new ArrayList<>();
                while (running) {
                    long t0 = System.nanoTime();
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                    long t1 = System.nanoTime();
                    long cpu1 = THREADS.getCurrentThreadCpuTime();
                    if (records.isEmpty()) {
                        continue;
                    }
                    sends.clear();
                    if (transactional) {
                        producer.beginTransaction();
                    }
                    int copyCount = Math.min(copies.get(), copyTopics.size());
                    for (ConsumerRecord<String, byte[]> record : records) {
                        Output output = transform.apply(record);
                        if (output != null) {
                            sends.add(producer.send(new ProducerRecord<>(outputTopic, output.key(), output.value())));
                            for (int c = 0; c < copyCount; c++) {
                                sends.add(producer.send(
                                        new ProducerRecord<>(copyTopics.get(c), output.key(), output.value())));
                            }
                        }
                    }
                    long t2 = System.nanoTime();
                    if (transactional) {
                        // The offsets go in the transaction, which commits the outputs with them.
                        producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
                        producer.commitTransaction();
                    } else {
                        producer.flush();
                    }
                    for (Future<RecordMetadata> send : sends) {
                        send.get(30, TimeUnit.SECONDS);
                    }
                    long t3 = System.nanoTime();
                    if (!transactional) {
                        consumer.commitSync(Duration.ofSeconds(30));
                    }
                    long t4 = System.nanoTime();
                    busyCpuNanos.add(THREADS.getCurrentThreadCpuTime() - cpu1);
                    batches.increment();
                    processed.add(records.count());
                    pollNanos.add(t1 - t0);
                    transformNanos.add(t2 - t1);
                    flushNanos.add(t3 - t2);
                    commitNanos.add(t4 - t3);
                }
            } catch (WakeupException e) {
                // close() woke the poll up
            } catch (Throwable e) {
                if (running) {
                    failure.set(e);
                    System.err.println("baseline " + name + " stopped: " + e);
                }
            }
        }

        void close() {
            consumer.wakeup();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!thread.isAlive()) {
                consumer.close(Duration.ofSeconds(5));
            }
            producer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * A producer of Avro values (the hub's serializer, schemas looked up, not registered) with the hub's producer
     * settings (application.yaml camel.component.kafka): acks=all, idempotent, linger 0, its timeouts.
     *
     * @param extra settings added to those (a transactional id)
     */
    static KafkaProducer<String, Object> avroProducer(String bootstrapServers, SchemaRegistryProperties registry,
                                                      String clientId, Map<String, Object> extra) {
        Map<String, Object> producerConfig = new HashMap<>(extra);
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10000);
        producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        producerConfig.putAll(registry.serdeConfig());
        AvroSerializer valueSerializer = new AvroSerializer();
        valueSerializer.configure(producerConfig, false);
        return new KafkaProducer<>(producerConfig, new StringSerializer(), valueSerializer);
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> batch = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(batch.get(batch.size() - 1).offset() + 1));
        }
        return offsets;
    }

    /**
     * Partner JSON in, canonical Avro ReferralEvent out: Jackson parse and validation
     * ({@link fr.referralhub.intake.EmploymentAgencyEventReader}), ids, pseudonymisation, Avro encoding, produce.
     */
    static PlainStage jsonToAvro(String bootstrapServers, SchemaRegistryProperties registry, String inputTopic,
                                 String outputTopic, BenchmarkData data) {
        return new PlainStage("json-to-avro", bootstrapServers, registry, inputTopic, outputTopic, record -> {
            BenchmarkData.Keyed canonical = data.canonical(record.value());
            return new Output(canonical.key(), canonical.event());
        }, 1, false, List.of());
    }

    /**
     * What the hub's eligibility route does, without Camel: Avro ReferralEvent in, decided by the same
     * {@link EligibilityEngine} with the bundled rule sets, Avro EligibilityDecision out (a withdrawal for a
     * cancellation), same key.
     */
    static PlainStage decide(String bootstrapServers, SchemaRegistryProperties registry, String inputTopic,
                             String outputTopic) {
        return new PlainStage("decide", bootstrapServers, registry, inputTopic, outputTopic,
                decision(registry), 1, false, List.of());
    }

    /**
     * The same decision, with the referral state's threads, transactions and records per event (see the class
     * comment); {@link #copies(int)} sets how many records beside the decision, once the referral state's count is
     * known.
     */
    static PlainStage decideSameWork(String bootstrapServers, SchemaRegistryProperties registry, String inputTopic,
                                     String outputTopic, List<String> copyTopics, int threads) {
        return new PlainStage("decide-same-work", bootstrapServers, registry, inputTopic, outputTopic,
                decision(registry), threads, true, copyTopics);
    }

    private static Transform decision(SchemaRegistryProperties registry) {
        EligibilityEngine engine = EligibilityEngine.withBundledRuleSets();
        AvroDeserializer deserializer = registry.specificDeserializer();
        return record -> {
            Object decoded = deserializer.deserialize(record.topic(), record.value());
            if (!(decoded instanceof ReferralEvent event)) {
                throw new IllegalArgumentException("Expected a ReferralEvent, got " + decoded);
            }
            if (event.getEventType() == ReferralEventType.CANCELLED) {
                return new Output(record.key(), engine.withdraw(event, record.key(), Instant.now()));
            }
            return new Output(record.key(), engine.decide(event, Instant.now()));
        };
    }

    /** How many records to write beside each output, on as many of the copy topics. */
    void copies(int count) {
        if (count > copyTopics.size()) {
            throw new IllegalArgumentException(count + " copies asked, " + copyTopics.size() + " copy topics");
        }
        copies.set(count);
    }

    /** Where the loop spent its time since it started (poll includes idle waits between runs). */
    String describe() {
        return String.format(Locale.ROOT,
                "baseline %s: %d records in %d poll batches (%.0f per batch), %d thread(s)%s; busy time:"
                        + " transform+send %.2f s, flush %.2f s, commit %.2f s (thread CPU %.2f s); poll %.2f s"
                        + " (includes idle time)",
                name, processed.sum(), batches.sum(), batches.sum() == 0 ? 0.0 : (double) processed.sum() / batches.sum(),
                loops.size(), transactional ? ", transactions, " + (1 + copies.get()) + " records per event" : "",
                transformNanos.sum() / 1e9, flushNanos.sum() / 1e9, commitNanos.sum() / 1e9, busyCpuNanos.sum() / 1e9,
                pollNanos.sum() / 1e9);
    }

    /** The failure that stopped the loop, if any. */
    Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() {
        running = false;
        loops.forEach(Loop::close);
    }
}
