package fr.referralhub.eligibility;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.kafka.Outages;
import fr.referralhub.logging.ReferralLogContext;
import fr.referralhub.schemaregistry.AvroDeserializer;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Route step of {@code routes/eligibility-decisions.camel.yaml}: decides a batch of canonical referral events. A
 * creation or an update gets its decision; a cancellation gets the withdrawal of the referral's decisions, under the
 * consumed record's key (the referral's person reference, since a cancellation carries no person).
 *
 * <p>Each record is decoded and decided on its own: one that never can be (not Avro, unknown schema, a rule that
 * fails) is dead-lettered with its original bytes and the others go on; an outage of the registry or broker fails
 * the whole batch instead, which is then consumed again. Decoding happens here rather than in the
 * Kafka consumer so that such a record reaches the dead letters instead of blocking its partition.
 */
@Component("eligibilityStage")
public class EligibilityStage {

    private final EligibilityEngine engine;
    private final DeadLetters deadLetters;
    private final AvroDeserializer deserializer = new AvroDeserializer();
    private final Clock clock = Clock.systemUTC();

    public EligibilityStage(EligibilityEngine engine, DeadLetters deadLetters,
                            @Value("${hub.schema-registry.url}") String registryUrl) {
        this.engine = engine;
        this.deadLetters = deadLetters;
        deserializer.configure(Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
    }

    /**
     * @return every record not dead-lettered, each body now its decision, or for a cancellation the withdrawal of
     *         the referral's decisions (its key and tracing headers kept)
     */
    public List<Exchange> decideBatch(List<Exchange> records, Exchange batch) {
        List<Exchange> decided = new ArrayList<>(records.size());
        for (Exchange record : records) {
            // What is logged about this record (a dead letter, a rule failure) names its referral.
            try (ReferralLogContext.Scope ids = ReferralLogContext.forRecord(record)) {
                try {
                    record.getMessage().setBody(decide(record));
                    decided.add(record);
                } catch (RuntimeException e) {
                    if (Outages.isTransient(e)) {
                        // Registry or broker briefly unreachable: fail the batch so it is consumed again, intact.
                        throw e;
                    }
                    deadLetters.send(record, batch.getFromRouteId(), e);
                }
            }
        }
        return decided;
    }

    /**
     * Route step of {@code replay-eligibility-record}: one record of a dead letter decided exactly as in a batch (its
     * decision id derives from the event id, so it is the decision the record would have had). A failure is thrown
     * to the operator, not dead-lettered again.
     */
    public EligibilityDecision decideOne(Exchange record) {
        return decide(record);
    }

    private EligibilityDecision decide(Exchange record) {
        String topic = record.getMessage().getHeader(KafkaConstants.TOPIC, String.class);
        Object decoded = deserializer.deserialize(topic, record.getMessage().getBody(byte[].class));
        if (!(decoded instanceof ReferralEvent event)) {
            throw new IllegalArgumentException("Expected a ReferralEvent on " + topic + ", got "
                    + (decoded == null ? "an empty record" : decoded.getClass().getName()));
        }
        if (event.getEventType() == ReferralEventType.CANCELLED) {
            // Keyed like the referral's decisions (the cancellation's key is the creation's person reference), so
            // the withdrawal lands after them on the same partition.
            return engine.withdraw(event, record.getMessage().getHeader(KafkaConstants.KEY, String.class),
                    clock.instant());
        }
        return engine.decide(event, clock.instant());
    }
}
