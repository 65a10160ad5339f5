package fr.referralhub.state;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The person history: the aids each person was found eligible for that limit their repeats, for the decisions of the
 * same person's other referrals (the seasonal workers' aid: once more, in another calendar year).
 *
 * <p>Kept on {@code person-aid-history.v1} and in a global store on every instance, since a person's referrals are on
 * any partition. Key: person reference, NUL, referral id, NUL, programme (the NULs keep one person's prefix from
 * taking in another's); value: the calendar year, as text. The ledger processor writes it through the topic, in the
 * transaction of the decision, and reads it from the store: what another instance decided a moment ago reaches this
 * one's store within the global thread's poll, so two referrals of one person decided on two partitions at the same
 * second can both count as the first aid of the year. The provider, who pays, has the last word.
 */
final class PersonAidHistory {

    private static final char SEPARATOR = '\u0000';

    private PersonAidHistory() {
    }

    /** Names the global store's updater in the provenance metric. */
    static final String CONSUMER = "person-aid-history";

    /**
     * The global store's updater: the topic's records as they are, a tombstone deleting its entry; a record the hub
     * did not write is left out (counted by {@code provenance}), so nobody can make a person look already aided.
     */
    static Processor<String, byte[], Void, Void> keeper(RecordCheck provenance) {
        return new Processor<>() {
            private ProcessorContext<Void, Void> context;
            private KeyValueStore<String, byte[]> store;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                this.context = context;
                store = context.getStateStore(ReferralStateTopology.AID_HISTORY_STORE);
            }

            @Override
            public void process(Record<String, byte[]> record) {
                if (record.key() == null) {
                    return;
                }
                RecordMetadata from = context.recordMetadata().orElse(null);
                if (from != null && provenance.refusal(CONSUMER, from.topic(), from.partition(), from.offset(),
                        record.key(), record.value(), record.headers()).isPresent()) {
                    return;
                }
                if (record.value() == null) {
                    store.delete(record.key());
                } else {
                    store.put(record.key(), record.value());
                }
            }
        };
    }

    /** The aids the person was found eligible for on referrals other than {@code referralId}. */
    static List<RememberedAid> earlierAids(ReadOnlyKeyValueStore<String, byte[]> store, String personReference,
                                           String referralId) {
        List<RememberedAid> aids = new ArrayList<>();
        if (personReference == null) {
            return aids;
        }
        try (KeyValueIterator<String, byte[]> entries =
                     store.prefixScan(personReference + SEPARATOR, new StringSerializer())) {
            entries.forEachRemaining(entry -> {
                String[] parts = entry.key.split(String.valueOf(SEPARATOR), -1);
                if (parts.length == 3 && !parts[1].equals(referralId)) {
                    aids.add(new RememberedAid(parts[2], year(entry.value), parts[1]));
                }
            });
        }
        return aids;
    }

    /**
     * The records that make the history hold {@code now} for the referral instead of {@code before}: the new or
     * changed aids, and a tombstone for each aid no longer in force.
     */
    static List<OutboundRecord> changes(String topic, String personReference, String referralId,
                                        List<RememberedAid> before, List<RememberedAid> now) {
        List<OutboundRecord> records = new ArrayList<>();
        if (personReference == null) {
            return records;
        }
        for (RememberedAid old : before) {
            if (now.stream().noneMatch(aid -> aid.programme().equals(old.programme()))) {
                records.add(new OutboundRecord(topic, key(personReference, referralId, old.programme()), null, Map.of()));
            }
        }
        for (RememberedAid aid : now) {
            if (!before.contains(aid)) {
                records.add(new OutboundRecord(topic, key(personReference, referralId, aid.programme()),
                        String.valueOf(aid.year()).getBytes(StandardCharsets.UTF_8), Map.of()));
            }
        }
        return records;
    }

    static String key(String personReference, String referralId, String programme) {
        return Objects.requireNonNull(personReference) + SEPARATOR + referralId + SEPARATOR + programme;
    }

    private static int year(byte[] value) {
        return Integer.parseInt(new String(value, StandardCharsets.UTF_8).trim());
    }
}
