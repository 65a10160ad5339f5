package fr.referralhub.kafka;

import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommitFactory;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Makes {@code allow-manual-commit} (application.yaml) really commit. */
@Configuration(proxyBeanMethods = false)
class KafkaCommitConfiguration {

    /**
     * Without a factory, {@code allowManualCommit} silently uses a no-op commit manager (STACK-NOTES.md); the Kafka
     * component autowires this one. Synchronous: the async factory of camel-kafka 4.18 only caches offsets and
     * writes them when partitions are revoked, so a crash would replay everything since the last rebalance and
     * consumer lag would never move. One synchronous commit per partition per batch costs little.
     */
    @Bean
    KafkaManualCommitFactory kafkaManualCommitFactory() {
        return new DefaultKafkaManualCommitFactory();
    }
}
