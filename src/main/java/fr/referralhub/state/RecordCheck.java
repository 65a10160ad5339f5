package fr.referralhub.state;

import java.util.Optional;

import org.apache.kafka.common.header.Headers;

/**
 * Whether a record the referral state reads may be used: written by the hub, for a registered partner
 * ({@code fr.referralhub.provenance.RecordProvenance#check}, which counts and logs a refusal). A record refused is
 * never decided nor shown.
 */
@FunctionalInterface
interface RecordCheck {

    /** For tests on Kafka Streams' test driver, whose input records the hub did not sign. */
    RecordCheck ANY = (consumer, topic, partition, offset, key, value, headers) -> Optional.empty();

    /** Why the record must not be used, or empty. */
    Optional<String> refusal(String consumer, String topic, int partition, long offset, String key, byte[] value,
                             Headers headers);
}
