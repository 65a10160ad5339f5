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
import fr.referralhub.kafka.TopicFollower;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.AvroSerializer;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.RecordHeaders;
import fr.referralhub.topics.TopicProvisioner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
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
 * {@code referral-status-changes.v1}, read to its end at start-up and then followed (like intake.PartnerHistory: no
 * second store to drift from what was really written; changes accepted by other instances are seen too), through a
 * {@link TopicFollower}.
 *
 * <p>The topic's order decides. Each change names the status it was judged from ({@code previousStatus}); applied in
 * topic order, a change whose previous status is no longer the pair's status lost a race: two instances judged two
 * reports on the same pair at the same moment, or a service's report met the hub's expiry. Every instance applies
 * the same records in the same order, so all agree on the winner without a lock between them; the loser stays in
 * the topic as a record nobody applies and nobody is told of. {@link #record} waits until this instance has applied
 * its own write, so the writer learns whether it won.
 */
@Component
public class StatusBook implements SmartLifecycle {

    /** Header of status change records: the service concerned (no personal data). */
    public static final String SERVICE_ID = "hub.service-id";
    private static final Logger log = LoggerFactory.getLogger(StatusBook.class);
    private static final Duration WRITE_LIMIT = Duration.ofSeconds(15);

    private final String bootstrapServers;
    private final String registryUrl;
    private final String topic;
    /** (referral, service) to its latest change. */
    private final Map<String, ReferralStatusChange> current = new ConcurrentHashMap<>();
    /** (service, statusEventId) to the change it made and where that change is in the topic. */
    private final Map<String, Applied> byStatusEvent = new ConcurrentHashMap<>();
    private volatile TopicFollower<String, byte[]> follower;
    private volatile KafkaProducer<String, Object> producer;
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
        return Optional.ofNullable(byStatusEvent.get(pair(serviceId, statusEventId))).map(Applied::change);
    }

    /**
     * Whether the record at this position is the change in force for its status event (not one that lost a race or
     * repeated an accepted report): what consumers of the topic, such as the referrer's feedback, must check before
     * acting on a record. Waits until this instance has applied the record.
     */
    public boolean isInForce(ReferralStatusChange change, int partition, long offset) {
        awaitApplied(new TopicPartition(topic, partition), offset);
        Applied applied = byStatusEvent.get(pair(change.getServiceId(), change.getStatusEventId()));
        return applied != null && applied.partition() == partition && applied.offset() == offset;
    }

    /** A change in force and its position in the topic. */
    private record Applied(ReferralStatusChange change, int partition, long offset) {
    }

    /**
     * Writes a change and returns once the broker acknowledged it and this instance applied it.
     *
     * @return the change in force for its status event: this one, or the one an earlier record of the same status
     *         event made; empty when another change of the same (referral, service) came first (see the class comment)
     */
    public Optional<ReferralStatusChange> record(ReferralStatusChange change) {
        ProducerRecord<String, Object> record = new ProducerRecord<>(topic, change.getReferralId(), change);
        record.headers().add(new RecordHeader(RecordHeaders.REFERRAL_ID, bytes(change.getReferralId())));
        record.headers().add(new RecordHeader(SERVICE_ID, bytes(change.getServiceId())));
        RecordMetadata written;
        try {
            written = producer.send(record).get(WRITE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while writing a status change", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("Kafka did not acknowledge the status change", e.getCause());
        } catch (TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException("Kafka did not acknowledge the status change in time", e);
        }
        awaitApplied(new TopicPartition(written.topic(), written.partition()), written.offset());
        return byStatusEvent(change.getServiceId(), change.getStatusEventId());
    }

    /**
     * Until this instance applied the record. Not there in time is an outage (the caller retries: the change is
     * stored, and a report sent again is recognised), not a fault of the record.
     */
    private void awaitApplied(TopicPartition partition, long offset) {
        try {
            follower.awaitApplied(partition, offset, WRITE_LIMIT);
        } catch (IllegalStateException e) {
            throw new org.apache.kafka.common.errors.TimeoutException(e.getMessage(), e);
        }
    }

    /** Applies one record, in topic order (the follower's thread only). */
    private void apply(ConsumerRecord<String, byte[]> record) {
        // An unreadable record throws: the follower logs and skips it.
        if (!(deserializer.deserialize(record.topic(), record.value()) instanceof ReferralStatusChange change)) {
            return;
        }
        String statusEvent = pair(change.getServiceId(), change.getStatusEventId());
        if (byStatusEvent.containsKey(statusEvent)) {
            return; // the same report written again (a retry): its first record stands
        }
        ReferralStatus now = statusOf(change.getReferralId(), change.getServiceId());
        if (now != change.getPreviousStatus()) {
            log.warn("Status change {} of referral {} at service {} ({} -> {}) came after a concurrent change (status "
                    + "already {}): not applied", change.getChangeId(), change.getReferralId(), change.getServiceId(),
                    change.getPreviousStatus(), change.getStatus(), now);
            return;
        }
        byStatusEvent.put(statusEvent, new Applied(change, record.partition(), record.offset()));
        current.put(pair(change.getReferralId(), change.getServiceId()), change);
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
        // Judging transitions from half a history would accept impossible changes: the follower refuses to start.
        follower = new TopicFollower<>("status-book", bootstrapServers, List.of(topic), new StringDeserializer(),
                new ByteArrayDeserializer(), this::apply);
        follower.start();
        log.info("Status book rebuilt from {}: {} (referral, service) statuses", topic, current.size());
    }

    @Override
    public void stop() {
        if (follower != null) {
            follower.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public boolean isRunning() {
        return follower != null && follower.isRunning();
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
