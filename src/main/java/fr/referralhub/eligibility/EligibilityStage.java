package fr.referralhub.eligibility;

import java.time.Clock;
import java.util.List;

import fr.referralhub.avro.DecisionKind;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.EligibilityOutcome;
import fr.referralhub.avro.Programme;
import fr.referralhub.avro.ProgrammeDecision;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.state.EligibilityDecider;
import fr.referralhub.state.RememberedAid;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.stereotype.Component;

/**
 * Decides each accepted referral event, once: called by the referral state (fr.referralhub.state) in the transaction
 * that publishes the event, which writes the decision to eligibility-decisions.v1 and routes the referral to the
 * counselling services with the same decision. A creation or an update gets its decision; a cancellation gets the
 * withdrawal of the referral's decisions, under the referral's key (its person reference, since a cancellation
 * carries no person). An event that cannot be decided (no rule set for its date, a rule that fails) is dead-lettered
 * by the referral state as the step {@code eligibility-decisions}, and replayed from there ({@link #decideOne}).
 *
 * <p>Metric {@code hub.eligibility.outcomes{programme,outcome}}: programme decisions made (a transaction that fails is
 * run again and counted again: the figures are for trends and alerts, not for accounting). Every programme and outcome
 * has its series from start-up at 0: a counter born at its first decision shows no increase to Prometheus, so the
 * alert EligibilityStalled ("intake rises, no decision") could never fire on a restarted hub that decides nothing.
 */
@Component("eligibilityStage")
public class EligibilityStage implements EligibilityDecider {

    private static final java.util.Set<String> KNOWN_PROGRAMMES = java.util.Arrays.stream(Programme.values())
            .map(Enum::name).collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final EligibilityEngine engine;
    private final MeterRegistry meters;
    private final AvroDeserializer deserializer;
    private final Clock clock = Clock.systemUTC();

    public EligibilityStage(EligibilityEngine engine, MeterRegistry meters,
                            SchemaRegistryProperties registry) {
        this.engine = engine;
        this.meters = meters;
        this.deserializer = registry.specificDeserializer();
        for (Programme programme : Programme.values()) {
            for (EligibilityOutcome outcome : EligibilityOutcome.values()) {
                outcomes(programme, outcome);
            }
        }
    }

    @Override
    public EligibilityDecision decide(ReferralEvent event, String personReference, List<RememberedAid> earlierAids) {
        EligibilityDecision decision = event.getEventType() == ReferralEventType.CANCELLED
                // Keyed like the referral's decisions, so the withdrawal lands after them on the same partition.
                ? engine.withdraw(event, personReference, clock.instant())
                : engine.decide(event, clock.instant(), earlierAids.stream()
                        // A programme this build does not know (kept by a newer one) limits none of its rules.
                        .filter(aid -> KNOWN_PROGRAMMES.contains(aid.programme()))
                        .map(aid -> new EarlierAid(Programme.valueOf(aid.programme()), aid.year(), aid.referralId()))
                        .toList());
        count(decision);
        return decision;
    }

    @Override
    public List<RememberedAid> aidsToRemember(ReferralEvent event, EligibilityDecision decision) {
        return engine.aidsToRemember(event, decision).stream()
                .map(aid -> new RememberedAid(aid.programme().name(), aid.year(), aid.referralId()))
                .toList();
    }

    /**
     * Route step of {@code replay-eligibility-record}: the event of a dead letter decided as the referral state would
     * have (its decision id derives from the event id, so it is the decision the event would have had). A failure is
     * thrown to the operator, not dead-lettered again.
     */
    public EligibilityDecision decideOne(Exchange record) {
        String topic = record.getMessage().getHeader(KafkaConstants.TOPIC, String.class);
        Object decoded = deserializer.deserialize(topic, record.getMessage().getBody(byte[].class));
        if (!(decoded instanceof ReferralEvent event)) {
            throw new IllegalArgumentException("Expected a ReferralEvent on " + topic + ", got "
                    + (decoded == null ? "an empty record" : decoded.getClass().getName()));
        }
        // Outside the referral state, without its person history: a replayed seasonal aid is decided as the
        // person's first (docs/rules.md), and the replay leaves nothing in the history.
        return decide(event, record.getMessage().getHeader(KafkaConstants.KEY, String.class), List.of());
    }

    private void count(EligibilityDecision decision) {
        if (decision.getKind() != DecisionKind.DECISION) {
            return;
        }
        for (ProgrammeDecision programme : decision.getProgrammes()) {
            outcomes(programme.getProgramme(), programme.getOutcome()).increment();
        }
    }

    private Counter outcomes(Programme programme, EligibilityOutcome outcome) {
        return Counter.builder("hub.eligibility.outcomes")
                .description("Programme decisions made, by programme and outcome")
                .tag("programme", programme.name())
                .tag("outcome", outcome.name())
                .register(meters);
    }
}
