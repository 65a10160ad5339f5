package fr.referralhub.health;

import java.time.Clock;

import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The readiness checks; the groups themselves are in application.yaml (management.endpoint.health.group.*).
 * Bean names give the component names: {@code kafka}, {@code schemaRegistry}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HealthProperties.class)
class HealthConfiguration {

    @Bean
    KafkaClusterHealthIndicator kafkaHealthIndicator(KafkaConnection kafka,
            HealthProperties properties) {
        return new KafkaClusterHealthIndicator(kafka, properties, Clock.systemUTC());
    }

    @Bean
    SchemaRegistryHealthIndicator schemaRegistryHealthIndicator(SchemaRegistryProperties registry,
            HealthProperties properties) {
        return new SchemaRegistryHealthIndicator(registry.url(), registry.basicAuthUserInfo(), properties,
                Clock.systemUTC());
    }
}
