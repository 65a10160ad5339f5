package fr.referralhub.counselling;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.TopicCatalog;
import fr.referralhub.topics.TopicProvisioner;
import fr.referralhub.topics.TopicSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.stereotype.Component;

/**
 * Creates the topics of the two families of {@link TopicCatalog} as their owners appear: {@code counselling.<serviceId>}
 * when a subscription of the service appears, {@code feedback.<partnerId>} before a partner's first feedback. Each is
 * created like the hub's other topics and gets its family's value schema registered under {@code <topic>-value}, since
 * the hub's producers never register schemas themselves.
 */
@Component
public class CounsellingTopics {

    /** Legal in a Kafka topic name, and nothing else. */
    private static final Pattern TOPIC_SAFE = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private final TopicCatalog catalog;
    private final HubTopicProperties properties;
    private final KafkaConnection kafka;
    private final SchemaRegistryProperties registry;
    private final Set<String> ready = ConcurrentHashMap.newKeySet();

    public CounsellingTopics(TopicCatalog catalog, HubTopicProperties properties,
                             KafkaConnection kafka,
                             SchemaRegistryProperties registry) {
        this.catalog = catalog;
        this.properties = properties;
        this.kafka = kafka;
        this.registry = registry;
    }

    /** The topic of a counselling service, created if needed. */
    public String counsellingTopic(String serviceId) {
        return ensure(catalog.counselling(), serviceId);
    }

    /** The outbox of WEBHOOK subscriptions (a topic of the catalogue, created at start-up). */
    public String webhookOutbox() {
        return properties.webhookDeliveries();
    }

    /** The feedback topic of a referring partner, created if needed. */
    public String feedbackTopic(String partnerId) {
        return ensure(catalog.feedback(), partnerId);
    }

    private String ensure(TopicSpec family, String id) {
        if (id == null || !TOPIC_SAFE.matcher(id).matches()) {
            throw new IllegalArgumentException("'" + id + "' cannot name a topic of " + family.name());
        }
        String topic = family.member(id);
        if (ready.contains(topic)) {
            return topic;
        }
        TopicProvisioner.createMissing(kafka, List.of(new NewTopic(topic, properties.partitions(),
                properties.replicationFactor()).configs(family.configs())), "topic " + topic);
        registry.registerOrLookUp(topic + "-value", family.valueSchema());
        ready.add(topic);
        return topic;
    }
}
