package fr.referralhub.topics;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Makes the contract of {@link TopicCatalog} real before any route starts: creates missing topics and registers
 * (or, where registration is a pipeline's job, looks up) each value schema. A schema that the registry refuses as
 * incompatible stops the start-up here, rather than failing on the first record.
 */
@Component
public class TopicProvisioner extends StartUpStep {

    /** After the embedded platform, before Camel (which starts in the last phase). */
    public static final int PHASE = 0;

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final TopicCatalog catalog;
    private final HubTopicProperties properties;
    private final KafkaConnection kafka;
    private final SchemaRegistryProperties registry;

    public TopicProvisioner(TopicCatalog catalog, HubTopicProperties properties,
                            KafkaConnection kafka,
                            SchemaRegistryProperties registry) {
        super(PHASE);
        this.catalog = catalog;
        this.properties = properties;
        this.kafka = kafka;
        this.registry = registry;
    }

    @Override
    protected void run() {
        createMissingTopics();
        governSchemas();
    }

    private void createMissingTopics() {
        createMissing(kafka, catalog.all().stream().filter(spec -> !spec.isFamily())
                .map(spec -> new NewTopic(spec.name(), properties.partitions(), properties.replicationFactor())
                        .configs(spec.configs()))
                .toList(), "the hub's topics");
    }

    /**
     * Creates those of {@code wanted} that do not exist yet; topics that exist are left as they are. Shared by every
     * component that owns topics, so they are all created the same way, before any route starts.
     *
     * @param what the topics, for the log and the error ("the hub's topics")
     */
    public static void createMissing(KafkaConnection kafka, List<NewTopic> wanted, String what) {
        try (Admin admin = Admin.create(kafka.clientConfig(Map.of(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000)))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = wanted.stream().filter(topic -> !existing.contains(topic.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // Another hub instance of the same consumer group may have created them at the same moment.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            log.info("Created {}: {}", what, missing.stream().map(NewTopic::name).toList());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot reach Kafka at " + kafka.bootstrapServers() + " ("
                    + kafka.describe() + ") to create " + what, e);
        }
    }

    /**
     * The number of partitions of each of these topics, as the broker has them (all must exist). For checks of what
     * a reader relies on, such as two topics keyed alike being co-partitioned.
     */
    public static Map<String, Integer> partitionCounts(KafkaConnection kafka, Collection<String> topics) {
        try (Admin admin = Admin.create(kafka.clientConfig(Map.of(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000)))) {
            Map<String, Integer> counts = new java.util.LinkedHashMap<>();
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS)
                    .forEach((topic, description) -> counts.put(topic, description.partitions().size()));
            return counts;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the partitions of " + topics, e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the partitions of " + topics + " from "
                    + kafka.bootstrapServers(), e);
        }
    }

    private void governSchemas() {
        for (TopicSpec spec : catalog.all()) {
            if (spec.valueSchema() == null || spec.isFamily()) {
                // A family's schema is registered with each of its topics (fr.referralhub.counselling.CounsellingTopics).
                continue;
            }
            int id = registry.registerOrLookUp(spec.valueSubject(), spec.valueSchema());
            log.info("Topic {}: value schema {} is id {} in {}", spec.name(), spec.valueSchema().getFullName(), id,
                    registry.url());
        }
    }
}
