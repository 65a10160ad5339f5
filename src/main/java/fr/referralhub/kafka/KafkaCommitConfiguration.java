package fr.referralhub.kafka;

import org.apache.camel.component.kafka.consumer.DefaultKafkaManualAsyncCommitFactory;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Makes {@code allow-manual-commit} (application.yaml) really commit. */
@Configuration(proxyBeanMethods = false)
class KafkaCommitConfiguration {

    /**
     * Without a factory, {@code allowManualCommit} silently uses a no-op commit manager (STACK-NOTES.md); the Kafka
     * component autowires this one. Async: the commit of a later record covers an earlier one, and a lost commit
     * only means a replay, which consumers de-duplicate.
     */
    @Bean
    KafkaManualCommitFactory kafkaManualCommitFactory() {
        return new DefaultKafkaManualAsyncCommitFactory();
    }
}
