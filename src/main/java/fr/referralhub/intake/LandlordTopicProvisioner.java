package fr.referralhub.intake;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Creates, before routes start, the raw intake topic {@code intake.<partnerId>} of every enabled social landlord
 * sending XML on Kafka (String key, XML bytes value), sized like the hub's other topics ({@code hub.topics}). The
 * route {@code social-landlord-intake} consumes them all by pattern; onboarding a landlord is configuration only.
 */
@Component
public class LandlordTopicProvisioner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LandlordTopicProvisioner.class);

    private final PartnerRegistry partners;
    private final HubTopicProperties properties;
    private final String bootstrapServers;
    private volatile boolean running;

    public LandlordTopicProvisioner(PartnerRegistry partners, HubTopicProperties properties,
                                    @Value("${hub.kafka.bootstrap-servers}") String bootstrapServers) {
        this.partners = partners;
        this.properties = properties;
        this.bootstrapServers = bootstrapServers;
    }

    /** The intake topics the hub consumes: one per enabled landlord of the registry. */
    public List<String> intakeTopics() {
        return partners.all().stream().filter(SocialLandlordIntake::isKafkaXmlLandlord)
                .map(p -> SocialLandlordIntake.TOPIC_PREFIX + p.id()).toList();
    }

    @Override
    public void start() {
        List<String> wanted = intakeTopics();
        if (!wanted.isEmpty()) {
            createMissing(wanted);
        }
        running = true;
    }

    private void createMissing(List<String> wanted) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, properties.partitions(), properties.replicationFactor())).toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // Another hub instance may have created them at the same moment.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            log.info("Created social landlord intake topics {}", missing.stream().map(NewTopic::name).toList());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot reach Kafka at " + bootstrapServers
                    + " to create the social landlords' intake topics", e);
        }
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
