package fr.referralhub.state;

import fr.referralhub.kafka.Outages;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds each feedback a referrer gets ({@code feedback.<partnerId>}, keyed by referral id like the submissions, so the
 * same instance owns both) to its referral's timeline: what the referrer was told is what its timeline shows, whoever
 * wrote it (the referral state itself: held, delivered, decision, reminder; the status feedback route; the webhook
 * sender; a replayed decision). The line goes to the referral-timeline store ({@link TimelineStore}).
 *
 * <p>A feedback that cannot be read is logged and skipped: the timeline misses a line, the partition goes on. So is
 * one the hub did not write (counted as refused by {@code referral-timeline}; {@link RecordCheck}): nobody can add a
 * line to a referral's timeline by writing on a feedback topic.
 */
final class FeedbackLineProcessor implements Processor<String, byte[], Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(FeedbackLineProcessor.class);

    static final String CONSUMER = "referral-timeline";

    private final TimelineReader reader;
    private final RecordCheck provenance;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> ledger;
    private KeyValueStore<String, byte[]> timeline;

    FeedbackLineProcessor(TimelineReader reader, RecordCheck provenance) {
        this.reader = reader;
        this.provenance = provenance;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.ledger = context.getStateStore(ReferralStateTopology.LEDGER_STORE);
        this.timeline = context.getStateStore(ReferralStateTopology.TIMELINE_STORE);
    }

    @Override
    public void process(Record<String, byte[]> feedback) {
        RecordMetadata from = context.recordMetadata().orElseThrow();
        String topic = from.topic();
        if (feedback.key() == null || feedback.value() == null) {
            return;
        }
        if (provenance.refusal(CONSUMER, topic, from.partition(), from.offset(), feedback.key(), feedback.value(),
                feedback.headers()).isPresent()) {
            return;
        }
        TimelineEntry line;
        try {
            line = reader.feedback(topic, feedback.value());
        } catch (RuntimeException e) {
            if (Outages.isTransient(e)) {
                throw e;
            }
            log.warn("Referral timeline: a feedback of referral {} on {} cannot be read, it is left out: {}",
                    feedback.key(), topic, e.toString());
            return;
        }
        if (ledger.get(feedback.key()) == null) {
            // A referral the state does not know (forgotten after 730 days, or never recorded): no timeline to add to.
            return;
        }
        TimelineStore.add(timeline, feedback.key(), line);
    }
}
