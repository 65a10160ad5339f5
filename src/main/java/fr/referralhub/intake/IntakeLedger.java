package fr.referralhub.intake;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import fr.referralhub.avro.PersonReferenceBasis;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.kafka.TopicFollower;
import fr.referralhub.operations.PartnerActivity;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.RecordHeaders;
import fr.referralhub.topics.TopicProvisioner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    private volatile TopicFollower<String, byte[]> follower;

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

    /** Reads the whole topic before routes start, then keeps following it in the background. */
    @Override
    public void start() {
        // Accepting events with half an index would let duplicates through: the follower refuses to start instead.
        follower = new TopicFollower<>("intake-ledger", bootstrapServers, List.of(topic), new StringDeserializer(),
                new ByteArrayDeserializer(), this::index);
        follower.start();
        log.info("Intake ledger rebuilt from {}: {} partner events", topic, published.size());
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
        if (follower != null) {
            follower.close();
        }
    }

    @Override
    public boolean isRunning() {
        return follower != null && follower.isRunning();
    }

    /** After the topics exist. */
    @Override
    public int getPhase() {
        return TopicProvisioner.PHASE + 1;
    }
}
