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
import java.util.concurrent.atomic.AtomicReference;

import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.eligibility.EligibilityEngine;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.AvroSerializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The baseline: a plain kafka-clients consume-transform-produce loop on one thread, with the hub's delivery
 * guarantees (acks=all, idempotent producer, no auto-commit, offsets committed only after the output is
 * acknowledged) but per poll batch: transform and send every record, flush, check every send, then commit.
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
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, Object> producer;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;
    // Where the loop's time goes, reported by describe(): only the loop thread writes these.
    private volatile long batches;
    private volatile long processed;
    private volatile long pollNanos;
    private volatile long transformNanos;
    private volatile long flushNanos;
    private volatile long commitNanos;
    private volatile long busyCpuNanos;

    private PlainStage(String name, String bootstrapServers, String registryUrl, String inputTopic, String outputTopic,
                       Transform transform) {
        this.name = name;
        this.outputTopic = outputTopic;
        this.transform = transform;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "benchmark-" + name,
                ConsumerConfig.CLIENT_ID_CONFIG, "benchmark-" + name,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer());
        // The hub's producer settings (application.yaml camel.component.kafka): acks=all, idempotent, linger 0.
        Map<String, Object> producerConfig = new HashMap<>();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "benchmark-" + name);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10000);
        producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        producerConfig.put("schema.registry.url", registryUrl);
        producerConfig.put("auto.register.schemas", false);
        AvroSerializer valueSerializer = new AvroSerializer();
        valueSerializer.configure(producerConfig, false);
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), valueSerializer);
        consumer.subscribe(List.of(inputTopic));
        this.thread = new Thread(this::loop, "baseline-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Partner JSON in, canonical Avro ReferralEvent out: Jackson parse and validation
     * ({@link fr.referralhub.intake.EmploymentAgencyEventReader}), ids, pseudonymisation, Avro encoding, produce.
     */
    static PlainStage jsonToAvro(String bootstrapServers, String registryUrl, String inputTopic, String outputTopic,
                                 BenchmarkData data) {
        return new PlainStage("json-to-avro", bootstrapServers, registryUrl, inputTopic, outputTopic, record -> {
            BenchmarkData.Keyed canonical = data.canonical(record.value());
            return new Output(canonical.key(), canonical.event());
        });
    }

    /**
     * What the hub's eligibility route does, without Camel: Avro ReferralEvent in, decided by the same
     * {@link EligibilityEngine} with the bundled rule sets, Avro EligibilityDecision out (a withdrawal for a
     * cancellation), same key.
     */
    static PlainStage decide(String bootstrapServers, String registryUrl, String inputTopic, String outputTopic) {
        EligibilityEngine engine = EligibilityEngine.withBundledRuleSets();
        AvroDeserializer deserializer = new AvroDeserializer();
        deserializer.configure(Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
        return new PlainStage("decide", bootstrapServers, registryUrl, inputTopic, outputTopic, record -> {
            Object decoded = deserializer.deserialize(record.topic(), record.value());
            if (!(decoded instanceof ReferralEvent event)) {
                throw new IllegalArgumentException("Expected a ReferralEvent, got " + decoded);
            }
            if (event.getEventType() == ReferralEventType.CANCELLED) {
                return new Output(record.key(), engine.withdraw(event, record.key(), Instant.now()));
            }
            return new Output(record.key(), engine.decide(event, Instant.now()));
        });
    }

    /** Where the loop spent its time since it started (poll includes idle waits between runs). */
    String describe() {
        return String.format(Locale.ROOT,
                "baseline %s: %d records in %d poll batches (%.0f per batch); busy time: transform+send %.2f s,"
                        + " flush %.2f s, commit %.2f s (thread CPU %.2f s); poll %.2f s (includes idle time)",
                name, processed, batches, batches == 0 ? 0.0 : (double) processed / batches, transformNanos / 1e9,
                flushNanos / 1e9, commitNanos / 1e9, busyCpuNanos / 1e9, pollNanos / 1e9);
    }

    /** The failure that stopped the loop, if any. */
    Throwable failure() {
        return failure.get();
    }

    private void loop() {
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
                for (ConsumerRecord<String, byte[]> record : records) {
                    Output output = transform.apply(record);
                    if (output != null) {
                        sends.add(producer.send(new ProducerRecord<>(outputTopic, output.key(), output.value())));
                    }
                }
                long t2 = System.nanoTime();
                producer.flush();
                for (Future<RecordMetadata> send : sends) {
                    send.get(30, TimeUnit.SECONDS);
                }
                long t3 = System.nanoTime();
                consumer.commitSync(Duration.ofSeconds(30));
                long t4 = System.nanoTime();
                busyCpuNanos += THREADS.getCurrentThreadCpuTime() - cpu1;
                batches++;
                processed += records.count();
                pollNanos += t1 - t0;
                transformNanos += t2 - t1;
                flushNanos += t3 - t2;
                commitNanos += t4 - t3;
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

    @Override
    public void close() {
        running = false;
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
