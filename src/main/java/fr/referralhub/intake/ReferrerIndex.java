package fr.referralhub.intake;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
 * Who referred each referral, and whether its referrer cancelled it: what status reports, expiry and timeline reads
 * ask of a referral's origin. De-duplication is not here: the referral ledger (fr.referralhub.state) decides it for
 * every instance.
 *
 * <p>A view of {@code referrals.v1}, read from the record headers at start-up and kept current by tailing the topic,
 * so events published by other hub instances are seen too. It still lives in the heap and grows with history: the
 * next slice of the referral state answers these questions from the ledger's store, through the instance that owns
 * the referral.
 */
@Component
public class ReferrerIndex implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReferrerIndex.class);

    private final Set<String> cancelledReferrals = ConcurrentHashMap.newKeySet();
    /** Referral id to who referred it (its first event): who is told about the referral's statuses. */
    private final Map<String, Referrer> referrers = new ConcurrentHashMap<>();
    private final String bootstrapServers;
    private final String topic;
    private final PartnerActivity partnerActivity;
    private volatile TopicFollower<String, byte[]> follower;

    public ReferrerIndex(@Value("${hub.kafka.bootstrap-servers}") String bootstrapServers, HubTopicProperties topics,
                         PartnerActivity partnerActivity) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topics.referrals();
        this.partnerActivity = partnerActivity;
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

    /** Reads the whole topic before routes start, then keeps following it in the background. */
    @Override
    public void start() {
        // Half an index would refuse status reports of referrals it has not read yet: the follower refuses to start.
        follower = new TopicFollower<>("referrer-index", bootstrapServers, List.of(topic), new StringDeserializer(),
                new ByteArrayDeserializer(), this::index);
        follower.start();
        log.info("Referrer index rebuilt from {}: {} referrals", topic, referrers.size());
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
        if (eventType == ReferralEventType.CANCELLED) {
            cancelledReferrals.add(referralId);
        }
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
            log.warn("Referrer index: record {}-{}@{} has an unknown {} header '{}'", record.topic(), record.partition(),
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
