package fr.referralhub.state;

import java.time.Clock;
import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;

import fr.referralhub.avro.ReferralEvent;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.Stores;

/**
 * The referral-state topology, as a Kafka Streams {@link Topology} (its description is printed at start-up and in
 * docs/referral-state.md):
 *
 * <pre>
 *   intake-submissions.v1 (key: referral id)
 *        -> referral-ledger processor [stores referral-ledger, referral-expiry-due, referral-timeline]
 *             -> referrals.v1               (key: person reference) new partner events, once each
 *             -> referral-status-changes.v1 (key: referral id)      status changes in force, once each
 *             -> intake-decisions.v1        (key: asking instance)  the answer to every submission
 *             -> counselling-and-feedback   (each record names its topic: eligibility-decisions.v1,
 *                                            counselling.&lt;service&gt;, the webhook outbox, feedback.&lt;partner&gt;,
 *                                            dead-letters.v1) decisions, routings, reminders, notices
 *   feedback.&lt;partner&gt; (key: referral id, pattern)
 *        -> referral-timeline processor [stores referral-ledger (read), referral-timeline]: each feedback becomes a
 *           line of its referral's timeline
 *   person-aid-history.v1 (key: person reference, referral id, programme; written by the ledger processor)
 *        -> global store person-aid-history, on every instance: the aids each person was found eligible for
 * </pre>
 * Both sources are keyed by referral id and have the same number of partitions (hub.topics.partitions), so the task
 * of a partition owns the ledger entries of both.
 */
final class ReferralStateTopology {

    static final String LEDGER_STORE = "referral-ledger";
    static final String EXPIRY_STORE = "referral-expiry-due";
    static final String TIMELINE_STORE = "referral-timeline";
    static final String SUBMISSIONS_SOURCE = "intake-submissions";
    static final String LEDGER_PROCESSOR = "referral-ledger-processor";
    static final String REFERRALS_SINK = "referrals";
    static final String DECISIONS_SINK = "intake-decisions";
    static final String STATUS_CHANGES_SINK = "referral-status-changes";
    static final String OUTBOUND_SINK = "counselling-and-feedback";
    static final String FEEDBACK_SOURCE = "partners-feedback";
    static final String TIMELINE_PROCESSOR = "referral-timeline-processor";
    static final String AID_HISTORY_STORE = "person-aid-history";
    static final String AID_HISTORY_SOURCE = "person-aid-history-source";
    static final String AID_HISTORY_PROCESSOR = "person-aid-history-processor";

    /** The topics the topology reads and writes. */
    record Topics(String submissions, String referrals, String decisions, String statusChanges,
                  String feedbackPrefix, String eligibilityDecisions, String personAidHistory) {
    }

    /**
     * What the ledger processor works with.
     *
     * @param recordLife     how long an inactive referral is kept (DOMAIN.md: 730 days)
     * @param forgetSweep    how often inactive referrals are looked for
     * @param outboundWriter encodes an {@link OutboundRecord}'s value for its topic (Confluent wire format)
     * @param unrouted       told when an accepted event could not be routed (a defect; counted)
     * @param timeline       reads the timeline lines of events and feedback
     * @param eventReader    decodes a published event (wire format of referrals.v1)
     * @param eligibility    decides each accepted event, once
     * @param deadLetters    the dead letter of an event that cannot be decided, or of a submission the hub did not
     *                       write
     * @param provenance     whether a submission or a feedback was written by the hub, for a registered partner
     */
    record Parts(Clock clock, Duration recordLife, Duration forgetSweep, PersonReferenceWriter personReferences,
                 StatusChangeCodec statusChanges, ReferralDistribution distribution, ExpiryPolicy expiry,
                 BiFunction<String, SpecificRecord, byte[]> outboundWriter, Runnable unrouted,
                 TimelineReader timeline, Function<byte[], ReferralEvent> eventReader, EligibilityDecider eligibility,
                 DeadLetterWriter deadLetters, RecordCheck provenance) {
    }

    private ReferralStateTopology() {
    }

    static Topology build(Topics topics, Parts parts) {
        Topology topology = new Topology();
        topology.addSource(SUBMISSIONS_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                topics.submissions());
        topology.addProcessor(LEDGER_PROCESSOR, () -> new LedgerProcessor(topics, parts), SUBMISSIONS_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEDGER_STORE),
                Serdes.String(), Serdes.ByteArray()), LEDGER_PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EXPIRY_STORE),
                Serdes.String(), Serdes.ByteArray()), LEDGER_PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TIMELINE_STORE),
                Serdes.String(), Serdes.ByteArray()), LEDGER_PROCESSOR);
        topology.addSink(REFERRALS_SINK, topics.referrals(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), LEDGER_PROCESSOR);
        topology.addSink(DECISIONS_SINK, topics.decisions(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), LEDGER_PROCESSOR);
        topology.addSink(STATUS_CHANGES_SINK, topics.statusChanges(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), LEDGER_PROCESSOR);
        // A null value is a tombstone (the person history's entries of a cancelled or forgotten referral).
        Serializer<OutboundRecord> outbound = (topic, record) -> record.value() == null ? null
                : record.value() instanceof byte[] bytes ? bytes
                : parts.outboundWriter().apply(topic, (SpecificRecord) record.value());
        topology.addSink(OUTBOUND_SINK, new OwnTopic(), Serdes.String().serializer(), outbound, LEDGER_PROCESSOR);
        topology.addSource(FEEDBACK_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                // Topic names hold letters, digits, '.', '_' and '-': only the dot means something in a pattern.
                Pattern.compile(topics.feedbackPrefix().replace(".", "\\.") + ".+"));
        topology.addProcessor(TIMELINE_PROCESSOR, () -> new FeedbackLineProcessor(parts.timeline(), parts.provenance()),
                FEEDBACK_SOURCE);
        topology.connectProcessorAndStateStores(TIMELINE_PROCESSOR, LEDGER_STORE, TIMELINE_STORE);
        // The person history is keyed by person, the ledger by referral: a person's referrals live on any partition,
        // so every instance keeps all of the history (a global store, read-only to the ledger, which writes it through
        // the topic in its transactions). Small: one entry per aid that limits its repeats.
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AID_HISTORY_STORE),
                        Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(), AID_HISTORY_SOURCE,
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.personAidHistory(),
                AID_HISTORY_PROCESSOR, () -> PersonAidHistory.keeper(parts.provenance()));
        return topology;
    }

    /** Each outbound record names its topic; named so that the topology's description reads well. */
    private static final class OwnTopic implements TopicNameExtractor<String, OutboundRecord> {

        @Override
        public String extract(String key, OutboundRecord record, RecordContext context) {
            return record.topic();
        }

        @Override
        public String toString() {
            return "each record's own topic";
        }
    }
}
