package fr.referralhub.counselling;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
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

    /** Stores routings durably (one batch's worth); returns once all are acknowledged and applied. */
    public void recordAll(Collection<ReferralRouting> routings) {
        Map<String, String> values = new LinkedHashMap<>();
        for (ReferralRouting routing : routings) {
            try {
                values.put(routing.referralId(), SubscriptionStore.JSON.writeValueAsString(routing));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot write the routing of " + routing.referralId(), e);
            }
        }
        view.writeAll(values);
    }

    private void apply(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            byReferral.remove(record.key());
            return;
        }
        try {
            byReferral.put(record.key(), SubscriptionStore.JSON.readValue(record.value(), ReferralRouting.class));
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
