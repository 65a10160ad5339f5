package fr.referralhub.counselling;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import fr.referralhub.kafka.CompactedTopicView;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.TopicProvisioner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The {@link ReferralRouting} of every referral the counselling route has seen, kept on the compacted counselling
 * deliveries topic and read back at start-up (each instance follows the whole topic, so a consumer-group rebalance
 * finds the routing of the referrals it takes over).
 *
 * <p>Limit of this first slice: the table is in memory, one small entry per referral routed or held; referrals
 * are anonymised after two years (DOMAIN.md), which is when their entries should be dropped too.
 */
@Component
public class ReferralRoutings implements SmartLifecycle {

    /** Times as ISO-8601 text; an unknown property is an error (a typo must not silently drop where a referral went). */
    static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final String bootstrapServers;
    private final String topic;
    private final Map<String, ReferralRouting> byReferral = new ConcurrentHashMap<>();
    private volatile CompactedTopicView view;

    public ReferralRoutings(@Value("${hub.kafka.bootstrap-servers}") String bootstrapServers,
                            HubTopicProperties topicNames) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topicNames.counsellingDeliveries();
    }

    public ReferralRouting of(String referralId) {
        return byReferral.getOrDefault(referralId, ReferralRouting.none(referralId));
    }

    /** Every routing known (a snapshot): referrals routed or held. */
    public List<ReferralRouting> all() {
        return List.copyOf(byReferral.values());
    }

    /**
     * Stores routings durably (one batch's worth); returns once all are acknowledged and applied. A reminder time
     * recorded since the caller read a routing is kept.
     */
    public synchronized void recordAll(Collection<ReferralRouting> routings) {
        Map<String, String> values = new LinkedHashMap<>();
        for (ReferralRouting routing : routings) {
            ReferralRouting stored = byReferral.get(routing.referralId());
            if (routing.remindedAt() == null && stored != null && stored.remindedAt() != null) {
                routing = routing.reminded(stored.remindedAt());
            }
            try {
                values.put(routing.referralId(), JSON.writeValueAsString(routing));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot write the routing of " + routing.referralId(), e);
            }
        }
        view.writeAll(values);
    }

    /** Changes the stored routing of one referral (as it is now, not as the caller last read it) durably. */
    public synchronized ReferralRouting update(String referralId, UnaryOperator<ReferralRouting> change) {
        ReferralRouting changed = change.apply(of(referralId));
        recordAll(List.of(changed));
        return changed;
    }

    private void apply(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            byReferral.remove(record.key());
            return;
        }
        try {
            // A routing written before delivery times were kept: its record's time is the closest known.
            byReferral.put(record.key(), JSON.readValue(record.value(), ReferralRouting.class)
                    .withDeliveryTimesDefaultingTo(Instant.ofEpochMilli(record.timestamp())));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unreadable routing: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public void start() {
        view = new CompactedTopicView(bootstrapServers, topic, "counselling-deliveries", this::apply);
        view.start();
    }

    @Override
    public void stop() {
        if (view != null) {
            view.close();
        }
    }

    @Override
    public boolean isRunning() {
        return view != null && view.isRunning();
    }

    /** After the topics exist, before Camel's routes start. */
    @Override
    public int getPhase() {
        return TopicProvisioner.PHASE + 1;
    }
}
