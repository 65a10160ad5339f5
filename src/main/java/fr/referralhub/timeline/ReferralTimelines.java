package fr.referralhub.timeline;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import fr.referralhub.counselling.CounsellingTopics;
import fr.referralhub.kafka.TopicFollower;
import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.TopicProvisioner;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The history of every referral, rebuilt from Kafka: {@code referrals.v1} (what the referrer did: created, updated,
 * cancelled with a reason code) and the feedback topic {@code feedback.<partnerId>} of every partner of the registry
 * (what the hub and the services did: held, delivered, eligibility decision, status changes, reminders, expiry). Read
 * to their end at start-up, then followed, by the shared {@link TopicFollower}: after a restart the same timelines
 * come back, and what other instances write shows here too.
 *
 * <p>Both topics are decoded as generic Avro records with their writer's schema, so a feedback kind added later
 * (REMINDER today, others tomorrow) shows under its own name instead of failing the read. Only what a timeline
 * answers is kept (ids, kinds, times, service, status, reason code and text); the person's data on
 * {@code referrals.v1} is read and dropped at once.
 *
 * <p>Memory: what grows is one map entry per referral ever seen (its id and a small list) plus one
 * {@link TimelineEntry} per history line (three longs and references), plus the referrer's event id of each of its
 * events and the French eligibility summary of each DECISION (typically 100 to 300 characters, the largest part).
 * Strings of closed lists are shared. Measured: 100,000 referrals of six lines (created, decision, delivered, three
 * statuses) take about 95 MiB, 1 KB a referral. Nothing is ever dropped: referrals are to be anonymised after two
 * years (DOMAIN.md), and their timelines should go then too (not done yet).
 *
 * <p>Feedback topics are created here if missing (as the feedback routes do before a partner's first feedback): the
 * follower assigns the partitions the topics have at start-up, and partners are only added by a restart.
 */
@Component
public class ReferralTimelines implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReferralTimelines.class);
    /** Above this many shared strings, stop sharing (a bug or odd input must not grow the table without bound). */
    private static final int MAX_SHARED_STRINGS = 10_000;

    private final String bootstrapServers;
    private final String registryUrl;
    private final String referralsTopic;
    private final PartnerRegistry partners;
    private final CounsellingTopics counsellingTopics;
    private final Map<String, Timeline> byReferral = new ConcurrentHashMap<>();
    private final Map<String, String> shared = new ConcurrentHashMap<>();
    private volatile Set<String> feedbackTopics = Set.of();
    private volatile TopicFollower<String, byte[]> follower;
    private AvroDeserializer deserializer;

    public ReferralTimelines(@Value("${hub.kafka.bootstrap-servers}") String bootstrapServers,
                             @Value("${hub.schema-registry.url}") String registryUrl, HubTopicProperties topics,
                             PartnerRegistry partners, CounsellingTopics counsellingTopics) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.referralsTopic = topics.referrals();
        this.partners = partners;
        this.counsellingTopics = counsellingTopics;
    }

    /** The lines of a referral's history, oldest first; empty if no line of it was seen. */
    public List<TimelineEntry> historyOf(String referralId) {
        Timeline timeline = referralId == null ? null : byReferral.get(referralId);
        return timeline == null ? List.of() : timeline.snapshot();
    }

    /** Referrals with a timeline (for logs and tests). */
    public int size() {
        return byReferral.size();
    }

    /** Applies one record of the followed topics; an unreadable one throws (the follower logs and skips it). */
    void apply(ConsumerRecord<String, byte[]> record) {
        Object value = deserializer.deserialize(record.topic(), record.value());
        if (!(value instanceof GenericRecord avro)) {
            return;
        }
        if (record.topic().equals(referralsTopic)) {
            applyReferralEvent(avro);
        } else if (feedbackTopics.contains(record.topic())) {
            applyFeedback(avro);
        }
    }

    void applyReferralEvent(GenericRecord event) {
        GenericRecord source = (GenericRecord) event.get("source");
        String type = text(event, "eventType");
        add(text(event, "referralId"), new TimelineEntry(hash(text(event, "eventId")), millis(event, "receivedAt"),
                share(type), share(text(source, "partnerId")), text(source, "partnerEventId"),
                millis(event, "occurredAt"), null, null,
                TimelineEntry.CANCELLED.equals(type) ? share(text(event, "cancellationReason")) : null, null));
    }

    void applyFeedback(GenericRecord feedback) {
        String kind = text(feedback, "kind");
        String reasonText = text(feedback, "reasonText");
        add(text(feedback, "referralId"), new TimelineEntry(hash(text(feedback, "feedbackId")),
                millis(feedback, "occurredAt"), share(kind), null, null, 0, share(text(feedback, "serviceId")),
                share(text(feedback, "status")), share(text(feedback, "reasonCode")),
                // Decision summaries differ per referral (criteria values): sharing them would only fill the table.
                TimelineEntry.DECISION.equals(kind) ? reasonText : share(reasonText)));
    }

    private void add(String referralId, TimelineEntry entry) {
        if (referralId == null || entry.what() == null) {
            throw new IllegalArgumentException("a timeline record needs a referralId and a kind");
        }
        byReferral.computeIfAbsent(referralId, id -> new Timeline()).add(entry);
    }

    private String share(String value) {
        if (value == null) {
            return null;
        }
        String known = shared.get(value);
        if (known != null) {
            return known;
        }
        if (shared.size() >= MAX_SHARED_STRINGS) {
            return value;
        }
        String raced = shared.putIfAbsent(value, value);
        return raced == null ? value : raced;
    }

    private static String text(GenericRecord record, String field) {
        if (record == null || !record.hasField(field)) {
            return null;
        }
        Object value = record.get(field);
        return value == null ? null : value.toString();
    }

    private static long millis(GenericRecord record, String field) {
        Object value = record.hasField(field) ? record.get(field) : null;
        if (value instanceof Long epochMillis) {
            return epochMillis;
        }
        if (value instanceof java.time.Instant instant) {
            return instant.toEpochMilli();
        }
        throw new IllegalArgumentException("no " + field + " time");
    }

    /** FNV-1a, 64 bits: enough to tell a referral's few records apart, in 8 bytes instead of a 36-character id. */
    static long hash(String id) {
        if (id == null) {
            throw new IllegalArgumentException("a timeline record needs its own id");
        }
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            hash ^= id.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    @Override
    public void start() {
        deserializer = new AvroDeserializer();
        // Generic records with the writer's schema: a feedback kind this build does not know still reads.
        deserializer.configure(Map.of("schema.registry.url", registryUrl), false);
        Set<String> feedback = new LinkedHashSet<>();
        for (Partner partner : partners.all()) {
            try {
                feedback.add(counsellingTopics.feedbackTopic(partner.id()));
            } catch (RuntimeException e) {
                // E.g. an id no topic can bear, or a registry that lacks the subject when the hub may not register
                // schemas: the hub still serves timelines, without that partner's feedback lines.
                log.error("Referral timelines will miss the feedback of partner '{}': its topic is not usable ({})",
                        partner.id(), e.getMessage());
            }
        }
        feedbackTopics = Set.copyOf(feedback);
        List<String> topics = new ArrayList<>();
        topics.add(referralsTopic);
        topics.addAll(feedback);
        follower = new TopicFollower<>("referral-timelines", bootstrapServers, topics, new StringDeserializer(),
                new ByteArrayDeserializer(), this::apply);
        follower.start();
        log.info("Referral timelines rebuilt from {} topics: {} referrals", topics.size(), byReferral.size());
    }

    @Override
    public void stop() {
        if (follower != null) {
            follower.close();
        }
    }

    /** False once the follower stopped: the timelines no longer show what is written. */
    @Override
    public boolean isRunning() {
        return follower != null && follower.isRunning();
    }

    /** After the topics exist, before the routes start. */
    @Override
    public int getPhase() {
        return TopicProvisioner.PHASE + 1;
    }

    /** One referral's lines, kept in time order (stable: lines of the same millisecond stay in arrival order). */
    static final class Timeline {

        private final List<TimelineEntry> entries = new ArrayList<>(4);

        synchronized void add(TimelineEntry entry) {
            int at = entries.size();
            for (int i = entries.size() - 1; i >= 0; i--) {
                TimelineEntry earlier = entries.get(i);
                if (earlier.sourceId() == entry.sourceId() && earlier.what().equals(entry.what())) {
                    return;
                }
                if (earlier.atMillis() > entry.atMillis()) {
                    at = i;
                }
            }
            entries.add(at, entry);
        }

        synchronized List<TimelineEntry> snapshot() {
            return List.copyOf(entries);
        }
    }
}
