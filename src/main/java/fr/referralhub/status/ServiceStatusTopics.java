package fr.referralhub.status;

import java.util.List;

import fr.referralhub.counselling.CounsellingService;
import fr.referralhub.counselling.ServiceRegistry;
import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.PerActorTopics;
import fr.referralhub.topics.TopicCatalog;
import org.springframework.stereotype.Component;

/**
 * Creates, before routes start, the status topic {@code status.<serviceId>} of every enabled counselling service of
 * {@code hub.services}, which {@code routes/service-status-intake.camel.yaml} consumes by pattern (see
 * {@link ServiceStatusIntake} for why one topic per service).
 */
@Component
public class ServiceStatusTopics extends PerActorTopics {

    private final ServiceRegistry services;

    public ServiceStatusTopics(ServiceRegistry services, HubTopicProperties properties, TopicCatalog catalog,
                               KafkaConnection kafka) {
        // With the catalogue's size limit (max.message.bytes), like the landlords' intake topics.
        super(properties, kafka, "the counselling services' status topics", catalog.serviceStatusIntake());
        this.services = services;
    }

    @Override
    public List<String> topicNames() {
        return services.all().stream().filter(CounsellingService::enabled)
                .map(service -> StatusReports.TOPIC_PREFIX + service.id()).toList();
    }
}
