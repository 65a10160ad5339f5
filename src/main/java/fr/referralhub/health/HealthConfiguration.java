package fr.referralhub.health;

import java.time.Clock;

import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import org.springframework.beans.factory.annotation.Value;
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
    KafkaClusterHealthIndicator kafkaHealthIndicator(@Value("${hub.kafka.bootstrap-servers}") String bootstrapServers,
            HealthProperties properties) {
        return new KafkaClusterHealthIndicator(bootstrapServers, properties, Clock.systemUTC());
    }

    @Bean
    SchemaRegistryHealthIndicator schemaRegistryHealthIndicator(SchemaRegistryProperties registry,
            HealthProperties properties) {
        return new SchemaRegistryHealthIndicator(registry.url(), registry.basicAuthUserInfo(), properties,
                Clock.systemUTC());
    }
}
