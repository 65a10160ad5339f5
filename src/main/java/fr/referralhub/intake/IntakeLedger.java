package fr.referralhub.intake;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import fr.referralhub.avro.PersonReferenceBasis;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.operations.PartnerActivity;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.RecordHeaders;
import fr.referralhub.topics.TopicProvisioner;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Which partner events the hub already published, and under which referral: the de-duplication index of intake.
 *
 * <p>It is a view of {@code referrals.v1} itself, rebuilt at start-up from the record headers and kept current by
 * tailing the topic, so there is no second store to get out of step with what was really published, and events
 * published by other hub instances are seen too. An event is recorded here only after the broker acknowledged it.
 * Concurrent submissions of the same partner event are serialised by an in-flight claim: the second one waits for
 * the first and then sees it as a duplicate (or takes over if the first failed).
 */
@Component
public class IntakeLedger implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IntakeLedger.class);
    private static final Duration CLAIM_WAIT = Duration.ofSeconds(30);
    private static final Duration REBUILD_LIMIT = Duration.ofMinutes(2);

    /**
     * A published partner event.
     *
     * @param contentHash {@link RecordHeaders#CONTENT_HASH} of what was published; null for records written before
     *                    the header existed
     */
    public record Entry(String referralId, String personReference, PersonReferenceBasis personReferenceBasis,
                        ReferralEventType type, String contentHash) {

        public Entry(String referralId, String personReference, PersonReferenceBasis personReferenceBasis,
                     ReferralEventType type) {
            this(referralId, personReference, personReferenceBasis, type, null);
        }
    }

    private final Map<String, Entry> published = new ConcurrentHashMap<>();
    private final Set<String> cancelledReferrals = ConcurrentHashMap.newKeySet();
    /** Referral id to who referred it (its first event): who is told about the referral's statuses. */
    private final Map<String, Referrer> referrers = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private final String bootstrapServers;
    private final String topic;
    private final PartnerActivity partnerActivity;
    private volatile KafkaConsumer<String, byte[]> tail;
    private volatile Thread tailThread;
    private volatile boolean running;

    public IntakeLedger(@Value("${hub.kafka.bootstrap-servers}") String bootstrapServers, HubTopicProperties topics,
                        PartnerActivity partnerActivity) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topics.referrals();
        this.partnerActivity = partnerActivity;
    }

    static String key(String partnerId, String partnerEventId) {
        return partnerId + '\u0001' + partnerEventId;
    }

    /**
     * Claims a partner event for publication.
     *
     * @return the earlier publication if this is a duplicate; empty if the caller now owns the claim and must
     *         {@link #confirm} or {@link #release} it
     */
    public Optional<Entry> claim(String partnerId, String partnerEventId) {
        String key = key(partnerId, partnerEventId);
        while (true) {
            Entry done = published.get(key);
            if (done != null) {
                return Optional.of(done);
            }
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> other = inFlight.putIfAbsent(key, mine);
            if (other == null) {
                // Published between the first look and the claim: give the claim back.
                Entry raced = published.get(key);
                if (raced != null) {
                    release(partnerId, partnerEventId);
                    return Optional.of(raced);
                }
                return Optional.empty();
            }
            try {
                other.get(CLAIM_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while the same partner event was being published", e);
            } catch (Exception e) {
                throw new IllegalStateException("The same partner event is still being published; retry later", e);
            }
        }
    }

    public void confirm(String partnerId, String partnerEventId, Entry entry) {
        remember(key(partnerId, partnerEventId), entry);
        referrers.putIfAbsent(entry.referralId(), new Referrer(partnerId, partnerEventId));
        CompletableFuture<Void> claim = inFlight.remove(key(partnerId, partnerEventId));
        if (claim != null) {
            claim.complete(null);
        }
    }

    public void release(String partnerId, String partnerEventId) {
        CompletableFuture<Void> claim = inFlight.remove(key(partnerId, partnerEventId));
        if (claim != null) {
            claim.complete(null);
        }
    }

    /** The creation event of a referral, by the partner's id of that creation event. */
    public Optional<Entry> creation(String partnerId, String creationEventId) {
        return Optional.ofNullable(published.get(key(partnerId, creationEventId)))
                .filter(entry -> entry.type() == ReferralEventType.CREATED);
    }

    /**
     * Who referred a referral: its partner and the partner's id of the referral's first event (the id the referrer
     * knows it by).
     */
    public record Referrer(String partnerId, String partnerEventId) {
    }

    /** Who referred a referral, if it came through intake. */
    public Optional<Referrer> referrerOf(String referralId) {
        return Optional.ofNullable(referrers.get(referralId));
    }

    public boolean isCancelled(String referralId) {
        return cancelledReferrals.contains(referralId);
    }

    private void remember(String key, Entry entry) {
        published.putIfAbsent(key, entry);
        if (entry.type() == ReferralEventType.CANCELLED) {
            cancelledReferrals.add(entry.referralId());
        }
    }

    /** Reads the whole topic before routes start, then keeps tailing it in the background. */
    @Override
    public void start() {
        tail = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                ConsumerConfig.CLIENT_ID_CONFIG, "referral-hub-intake-ledger"),
                new StringDeserializer(), new ByteArrayDeserializer());
        try {
            rebuild();
        } catch (RuntimeException e) {
            tail.close();
            throw e;
        }
        running = true;
        tailThread = new Thread(this::keepTailing, "intake-ledger-tail");
        tailThread.setDaemon(true);
        tailThread.start();
    }

    private void rebuild() {
        List<TopicPartition> partitions = tail.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        tail.assign(partitions);
        tail.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = new HashMap<>(tail.endOffsets(partitions));
        long started = System.nanoTime();
        long deadline = started + REBUILD_LIMIT.toNanos();
        while (end.entrySet().stream().anyMatch(e -> tail.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                // Accepting events with half an index would let duplicates through: refuse to start instead.
                throw new IllegalStateException("Intake ledger could not read " + topic + " to its end within "
                        + REBUILD_LIMIT.toSeconds() + " s");
            }
            tail.poll(Duration.ofMillis(200)).forEach(this::index);
        }
        log.info("Intake ledger rebuilt from {}: {} partner events in {} ms", topic, published.size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    private void keepTailing() {
        try {
            while (running) {
                tail.poll(Duration.ofSeconds(1)).forEach(this::index);
            }
        } catch (WakeupException e) {
            // stop() woke us up
        } catch (Exception e) {
            log.error("Intake ledger stopped following {}: duplicates from other instances may be missed", topic, e);
        } finally {
            tail.close();
        }
    }

    private void index(ConsumerRecord<String, byte[]> record) {
        String partnerId = header(record, RecordHeaders.PARTNER_ID);
        String partnerEventId = header(record, RecordHeaders.PARTNER_EVENT_ID);
        String referralId = header(record, RecordHeaders.REFERRAL_ID);
        if (partnerId == null || partnerEventId == null || referralId == null) {
            return;
        }
        // The history also tells who used to send: silent-partner detection survives a restart.
        partnerActivity.seen(partnerId, Instant.ofEpochMilli(record.timestamp()));
        referrers.putIfAbsent(referralId, new Referrer(partnerId, partnerEventId));
        ReferralEventType eventType = headerValue(record, RecordHeaders.EVENT_TYPE, ReferralEventType.class);
        if (eventType == null) {
            return;
        }
        PersonReferenceBasis basis = headerValue(record, RecordHeaders.PERSON_REFERENCE_BASIS, PersonReferenceBasis.class);
        remember(key(partnerId, partnerEventId), new Entry(referralId, record.key(),
                basis == null ? PersonReferenceBasis.NONE : basis, eventType, header(record, RecordHeaders.CONTENT_HASH)));
    }

    /** An enum header, or null (with a warning) when it is absent or unknown: one odd record must not stop the index. */
    private static <E extends Enum<E>> E headerValue(ConsumerRecord<?, ?> record, String name, Class<E> type) {
        String value = header(record, name);
        if (value == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            log.warn("Intake ledger: record {}-{}@{} has an unknown {} header '{}'", record.topic(), record.partition(),
                    record.offset(), name, value);
            return null;
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
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
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the topics exist. */
    @Override
    public int getPhase() {
        return TopicProvisioner.PHASE + 1;
    }
}
