package fr.referralhub.intake;

import java.util.List;

import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.TopicProvisioner;
import org.apache.kafka.clients.admin.NewTopic;
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
        TopicProvisioner.createMissing(bootstrapServers, intakeTopics().stream()
                .map(topic -> new NewTopic(topic, properties.partitions(), properties.replicationFactor()))
                .toList(), "the social landlords' intake topics");
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
