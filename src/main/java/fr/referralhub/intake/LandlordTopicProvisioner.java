package fr.referralhub.intake;

import java.util.List;

import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.PerActorTopics;
import fr.referralhub.topics.TopicCatalog;
import org.springframework.stereotype.Component;

/**
 * Creates, before routes start, the raw intake topic {@code intake.<partnerId>} of every enabled social landlord
 * sending XML on Kafka (String key, XML bytes value). The route {@code social-landlord-intake} consumes them all by
 * pattern; onboarding a landlord is configuration only.
 */
@Component
public class LandlordTopicProvisioner extends PerActorTopics {

    private final PartnerRegistry partners;

    public LandlordTopicProvisioner(PartnerRegistry partners, HubTopicProperties properties, TopicCatalog catalog,
                                    KafkaConnection kafka) {
        // With the catalogue's size limit (max.message.bytes): the broker refuses oversized documents at the door.
        super(properties, kafka, "the social landlords' intake topics", catalog.landlordIntake());
        this.partners = partners;
    }

    /** The intake topics the hub consumes: one per enabled landlord of the registry. */
    @Override
    public List<String> topicNames() {
        return partners.all().stream().filter(SocialLandlordIntake::isKafkaXmlLandlord)
                .map(p -> SocialLandlordIntake.TOPIC_PREFIX + p.id()).toList();
    }
}
