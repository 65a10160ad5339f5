package fr.referralhub.status;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import fr.referralhub.avro.ReferralStatus;
import fr.referralhub.avro.ReferralStatusChange;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.AvroSerializer;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.RecordHeaders;
import fr.referralhub.topics.TopicProvisioner;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The current status of every (referral, service) pair and the status event ids already accepted: a view of
 * {@code referral-status-changes.v1}, read to its end at start-up and then followed (the IntakeLedger pattern: no
 * second store to drift from what was really written; changes accepted by other instances are seen too).
 *
 * <p>Not {@link fr.referralhub.kafka.CompactedTopicView}: that one reads text values of a compacted topic, this topic
 * keeps every change (the history is the record, and retries must be recognised long after) in Avro.
 *
 * <p>A change is applied here once the broker acknowledged it ({@link #record}); applying the same change again from
 * the tail changes nothing, since changes are keyed by their change id.
 */
@Component
public class StatusBook implements SmartLifecycle {

    /** Header of status change records: the service concerned (no personal data). */
    public static final String SERVICE_ID = "hub.service-id";
    private static final Logger log = LoggerFactory.getLogger(StatusBook.class);
    private static final Duration REBUILD_LIMIT = Duration.ofMinutes(2);
    private static final Duration WRITE_LIMIT = Duration.ofSeconds(15);

    private final String bootstrapServers;
    private final String registryUrl;
    private final String topic;
    /** (referral, service) to its latest change. */
    private final Map<String, ReferralStatusChange> current = new ConcurrentHashMap<>();
    /** (service, statusEventId) to the change it made. */
    private final Map<String, ReferralStatusChange> byStatusEvent = new ConcurrentHashMap<>();
    private volatile KafkaConsumer<String, byte[]> tail;
    private volatile KafkaProducer<String, Object> producer;
    private volatile Thread tailThread;
    private volatile boolean running;
    private AvroDeserializer deserializer;

    public StatusBook(@Value("${hub.kafka.bootstrap-servers}") String bootstrapServers,
                      @Value("${hub.schema-registry.url}") String registryUrl, HubTopicProperties topics) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.topic = topics.referralStatusChanges();
    }

    /** The status of a referral at a service: REQUESTED until the service reports anything. */
    public ReferralStatus statusOf(String referralId, String serviceId) {
        ReferralStatusChange latest = current.get(pair(referralId, serviceId));
        return latest == null ? ReferralStatus.REQUESTED : latest.getStatus();
    }

    /** The change a service's status event made, if it was accepted before. */
    public Optional<ReferralStatusChange> byStatusEvent(String serviceId, String statusEventId) {
        return Optional.ofNullable(byStatusEvent.get(pair(serviceId, statusEventId)));
    }

    /** Writes a change and returns once the broker acknowledged it; it is then applied here. */
    public void record(ReferralStatusChange change) {
        ProducerRecord<String, Object> record = new ProducerRecord<>(topic, change.getReferralId(), change);
        record.headers().add(new RecordHeader(RecordHeaders.REFERRAL_ID, bytes(change.getReferralId())));
        record.headers().add(new RecordHeader(SERVICE_ID, bytes(change.getServiceId())));
        try {
            producer.send(record).get(WRITE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while writing a status change", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("Kafka did not acknowledge the status change", e.getCause());
        } catch (TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException("Kafka did not acknowledge the status change in time", e);
        }
        apply(change);
    }

    private void apply(ReferralStatusChange change) {
        if (byStatusEvent.putIfAbsent(pair(change.getServiceId(), change.getStatusEventId()), change) == null) {
            current.put(pair(change.getReferralId(), change.getServiceId()), change);
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        try {
            if (deserializer.deserialize(record.topic(), record.value()) instanceof ReferralStatusChange change) {
                apply(change);
            }
        } catch (RuntimeException e) {
            // One unreadable record must not blind the hub to every later change.
            log.error("Status book: ignoring unreadable record {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    @Override
    public void start() {
        deserializer = new AvroDeserializer();
        deserializer.configure(Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of("schema.registry.url", registryUrl, "auto.register.schemas", false), false);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.CLIENT_ID_CONFIG, "referral-hub-status-writer"),
                new StringSerializer(), serializer);
        tail = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                ConsumerConfig.CLIENT_ID_CONFIG, "referral-hub-status-book-tail"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = tail.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        tail.assign(partitions);
        tail.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = tail.endOffsets(partitions);
        long deadline = System.nanoTime() + REBUILD_LIMIT.toNanos();
        while (end.entrySet().stream().anyMatch(e -> tail.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                // Judging transitions from half a history would accept impossible changes: refuse to start instead.
                throw new IllegalStateException("Status book could not read " + topic + " to its end within "
                        + REBUILD_LIMIT.toSeconds() + " s");
            }
            tail.poll(Duration.ofMillis(200)).forEach(this::apply);
        }
        log.info("Status book rebuilt from {}: {} (referral, service) statuses", topic, current.size());
        running = true;
        tailThread = new Thread(this::keepTailing, topic + "-tail");
        tailThread.setDaemon(true);
        tailThread.start();
    }

    private void keepTailing() {
        try {
            while (running) {
                tail.poll(Duration.ofSeconds(1)).forEach(this::apply);
            }
        } catch (WakeupException e) {
            // stop() woke us up
        } catch (Exception e) {
            log.error("Status book stopped following {}: changes from other instances are no longer seen", topic, e);
        } finally {
            tail.close();
        }
    }

    @Override
    public void stop() {
        running = false;
        if (tail != null) {
            tail.wakeup();
        }
        if (tailThread != null) {
            try {
                tailThread.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the topics exist, before the routes start. */
    @Override
    public int getPhase() {
        return TopicProvisioner.PHASE + 1;
    }

    private static String pair(String a, String b) {
        return a + '\u0001' + b;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
