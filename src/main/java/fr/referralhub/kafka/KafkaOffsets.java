package fr.referralhub.kafka;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.springframework.stereotype.Component;

/**
 * Offsets of batch-consuming routes. {@link #remember} is the first step of such a route; {@link #commit} its last,
 * reached only once every output of the batch is acknowledged (or dead-lettered). A failure in between leaves the
 * batch uncommitted: the consumer reconnects and reads it again (at-least-once), nothing is skipped.
 */
@Component("kafkaOffsets")
public class KafkaOffsets {

    /** Exchange property: the records of the batch, whatever later steps do to the body. */
    static final String CONSUMED_RECORDS = "hubConsumedRecords";

    /** Route step: keeps the batch's records, the body being about to become the outputs. */
    public void remember(List<Exchange> records, Exchange batch) {
        batch.setProperty(CONSUMED_RECORDS, List.copyOf(records));
    }

    /** Route step: commits, for each topic partition of the batch, the offset after its last record. */
    @SuppressWarnings("unchecked")
    public void commit(Exchange batch) {
        List<Exchange> records = batch.getProperty(CONSUMED_RECORDS, List.class);
        if (records == null) {
            throw new IllegalStateException("No consumed records to commit: 'kafkaOffsets.remember' must run first");
        }
        // Records of a partition arrive in offset order: the last one seen per partition is the one to commit.
        Map<Object, KafkaManualCommit> lastPerPartition = new LinkedHashMap<>();
        for (Exchange record : records) {
            KafkaManualCommit commit = record.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit == null) {
                throw new IllegalStateException("Record without a manual commit: the route must consume with allowManualCommit");
            }
            // By topic and partition: a route consuming a topic pattern gets partition 0 of several topics.
            lastPerPartition.put(List.of(String.valueOf(record.getMessage().getHeader(KafkaConstants.TOPIC)),
                    String.valueOf(record.getMessage().getHeader(KafkaConstants.PARTITION))), commit);
        }
        lastPerPartition.values().forEach(KafkaManualCommit::commit);
    }
}
