package fr.referralhub.kafka;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.springframework.stereotype.Component;

/**
 * Route step {@code bean: kafkaOffsets, method: commit}: the last step of every Kafka-consuming route, reached once
 * the record's output is acknowledged or the record is dead-lettered. A crash before it replays the record
 * instead of losing it (at-least-once).
 */
@Component("kafkaOffsets")
public class KafkaOffsets {

    public void commit(Exchange exchange) {
        KafkaManualCommit commit = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit == null) {
            throw new IllegalStateException("No Kafka offset to commit: this step belongs at the end of a Kafka-consuming route");
        }
        commit.commit();
    }
}
