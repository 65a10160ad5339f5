package fr.referralhub.topics;

import java.util.List;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.SmartLifecycle;

/**
 * Topics that exist once per partner or per service (a landlord's {@code intake.<partnerId>}, a service's
 * {@code status.<serviceId>}): the actor's identity is the topic, guarded by the broker's ACLs. They are created at
 * start-up with the hub's other topics, sized like them ({@code hub.topics}), before any route consumes them by
 * pattern; onboarding an actor is configuration only (a restart creates its topic).
 */
public abstract class PerActorTopics implements SmartLifecycle {

    private final HubTopicProperties properties;
    private final String bootstrapServers;
    private final String what;
    private volatile boolean running;

    /** @param what the topics, for the log and the error, e.g. "the social landlords' intake topics" */
    protected PerActorTopics(HubTopicProperties properties, String bootstrapServers, String what) {
        this.properties = properties;
        this.bootstrapServers = bootstrapServers;
        this.what = what;
    }

    /** The topics, one per enabled actor. */
    public abstract List<String> topicNames();

    @Override
    public void start() {
        TopicProvisioner.createMissing(bootstrapServers, topicNames().stream()
                .map(topic -> new NewTopic(topic, properties.partitions(), properties.replicationFactor()))
                .toList(), what);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** With the hub's other topics, before Camel. */
    @Override
    public int getPhase() {
        return TopicProvisioner.PHASE;
    }
}
