package fr.referralhub.embedded;

import fr.referralhub.kafkaaccess.KafkaAccessProperties;
import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.provenance.RecordProvenance;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the embedded platform when {@link EmbeddedPlatformEnvironment} switched any part of it on.
 * A production image can leave this whole package (and the {@code kafka_2.13} dependency) out.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("${hub.embedded.kafka.enabled:false} or ${hub.embedded.schema-registry.enabled:false}")
class EmbeddedPlatformConfiguration {

    @Bean
    EmbeddedPlatform embeddedPlatform(EmbeddedPlatformProperties properties,
                                      KafkaConnection kafka,
                                      KafkaAccessProperties kafkaAccess,
                                      RecordProvenance provenance,
                                      ObjectProvider<EmbeddedKafkaBroker> broker) {
        return new EmbeddedPlatform(properties, kafka, kafkaAccess, provenance, broker.getIfAvailable());
    }
}
