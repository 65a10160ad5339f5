package fr.referralhub.topics;

import java.util.List;
import java.util.Map;

import fr.referralhub.kafkaclient.KafkaConnection;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Topics that exist once per partner or per service (a landlord's {@code intake.<partnerId>}, a service's
 * {@code status.<serviceId>}): the actor's identity is the topic, guarded by the broker's ACLs. They are created at
 * start-up with the hub's other topics, sized like them ({@code hub.topics}), before any route consumes them by
 * pattern; onboarding an actor is configuration only (a restart creates its topic). A topic that exists keeps its
 * configs: an intake topic created before its size limit keeps the broker's (docs/operators.md says how to align it).
 */
public abstract class PerActorTopics extends StartUpStep {

    private final HubTopicProperties properties;
    private final KafkaConnection kafka;
    private final String what;
    private final Map<String, String> configs;

    /** @param what the topics, for the log and the error, e.g. "the social landlords' intake topics" */
    protected PerActorTopics(HubTopicProperties properties, KafkaConnection kafka, String what) {
        this(properties, kafka, what, Map.of());
    }

    /**
     * @param family the catalogue's entry for these topics, whose configs each is created with (e.g. the intake
     *               topics' {@code max.message.bytes}, {@link TopicCatalog#INTAKE_MAX_RECORD_BYTES})
     */
    protected PerActorTopics(HubTopicProperties properties, KafkaConnection kafka, String what, TopicSpec family) {
        this(properties, kafka, what, family.configs());
    }

    private PerActorTopics(HubTopicProperties properties, KafkaConnection kafka, String what,
                           Map<String, String> configs) {
        // With the hub's other topics, before Camel.
        super(TopicProvisioner.PHASE);
        this.properties = properties;
        this.kafka = kafka;
        this.what = what;
        this.configs = configs;
    }

    /** The topics, one per enabled actor. */
    public abstract List<String> topicNames();

    @Override
    protected void run() {
        TopicProvisioner.createMissing(kafka, topicNames().stream()
                .map(topic -> new NewTopic(topic, properties.partitions(), properties.replicationFactor())
                        .configs(configs))
                .toList(), what);
    }
}
