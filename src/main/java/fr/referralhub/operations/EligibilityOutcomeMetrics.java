package fr.referralhub.operations;

import java.util.List;

import fr.referralhub.avro.DecisionKind;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.ProgrammeDecision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * {@code hub.eligibility.outcomes{programme,outcome}}: programme decisions the hub published. A route step placed
 * after the decisions were acknowledged, so a decision that was never published is not counted. A batch consumed
 * again after an outage is counted again: the figures are for trends and alerts, not for accounting.
 */
@Component("eligibilityOutcomeMetrics")
public class EligibilityOutcomeMetrics {

    private final MeterRegistry meters;

    public EligibilityOutcomeMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Counts the decisions of a published batch (a list of exchanges, each body a decision). */
    public void countPublished(List<Exchange> published) {
        for (Exchange record : published) {
            if (record.getMessage().getBody() instanceof EligibilityDecision decision
                    && decision.getKind() == DecisionKind.DECISION) {
                for (ProgrammeDecision programme : decision.getProgrammes()) {
                    Counter.builder("hub.eligibility.outcomes")
                            .description("Programme decisions published, by programme and outcome")
                            .tag("programme", programme.getProgramme().name())
                            .tag("outcome", programme.getOutcome().name())
                            .register(meters)
                            .increment();
                }
            }
        }
    }
}
