package fr.referralhub.state;

import java.time.Clock;
import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The referral-state topology, as a Kafka Streams {@link Topology} (its description is printed at start-up and in
 * docs/referral-state.md):
 *
 * <pre>
 *   intake-submissions.v1 (key: referral id)
 *        -> referral-ledger processor [store referral-ledger]
 *             -> referrals.v1               (key: person reference) new partner events, once each
 *             -> referral-status-changes.v1 (key: referral id)      status changes in force, once each
 *             -> intake-decisions.v1        (key: asking instance)  the answer to every submission
 * </pre>
 */
final class ReferralStateTopology {

    static final String LEDGER_STORE = "referral-ledger";
    static final String SUBMISSIONS_SOURCE = "intake-submissions";
    static final String LEDGER_PROCESSOR = "referral-ledger-processor";
    static final String REFERRALS_SINK = "referrals";
    static final String DECISIONS_SINK = "intake-decisions";
    static final String STATUS_CHANGES_SINK = "referral-status-changes";

    private ReferralStateTopology() {
    }

    static Topology build(String submissionsTopic, String referralsTopic, String decisionsTopic,
                          String statusChangesTopic, Clock clock, Duration recordLife, Duration forgetSweep,
                          PersonReferenceWriter personReferences, StatusChangeCodec statusChanges) {
        Topology topology = new Topology();
        topology.addSource(SUBMISSIONS_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                submissionsTopic);
        topology.addProcessor(LEDGER_PROCESSOR,
                () -> new LedgerProcessor(LEDGER_STORE, clock, recordLife, forgetSweep, personReferences,
                        statusChanges),
                SUBMISSIONS_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEDGER_STORE),
                Serdes.String(), Serdes.ByteArray()), LEDGER_PROCESSOR);
        topology.addSink(REFERRALS_SINK, referralsTopic, Serdes.String().serializer(), Serdes.ByteArray().serializer(),
                LEDGER_PROCESSOR);
        topology.addSink(DECISIONS_SINK, decisionsTopic, Serdes.String().serializer(), Serdes.ByteArray().serializer(),
                LEDGER_PROCESSOR);
        topology.addSink(STATUS_CHANGES_SINK, statusChangesTopic, Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), LEDGER_PROCESSOR);
        return topology;
    }
}
