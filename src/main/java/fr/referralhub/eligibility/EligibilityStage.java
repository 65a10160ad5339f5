package fr.referralhub.eligibility;

import java.time.Clock;
import java.util.Map;

import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.schemaregistry.AvroDeserializer;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Route step of {@code routes/eligibility-decisions.camel.yaml}: decodes a canonical referral event and decides it.
 * Decoding happens here rather than in the Kafka consumer, so an undecodable record fails this step and reaches
 * the dead-letter channel with its original bytes, instead of blocking the partition in the poll loop.
 */
@Component("eligibilityStage")
public class EligibilityStage {

    private final EligibilityEngine engine;
    private final AvroDeserializer deserializer = new AvroDeserializer();
    private final Clock clock = Clock.systemUTC();

    public EligibilityStage(EligibilityEngine engine, @Value("${hub.schema-registry.url}") String registryUrl) {
        this.engine = engine;
        deserializer.configure(Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
    }

    /** @return the decision, or null for a cancellation (nothing to decide; withdrawal comes with the rule engine) */
    public EligibilityDecision decide(byte[] value, Exchange exchange) {
        String topic = exchange.getMessage().getHeader(KafkaConstants.TOPIC, String.class);
        Object decoded = deserializer.deserialize(topic, value);
        if (!(decoded instanceof ReferralEvent event)) {
            throw new IllegalArgumentException("Expected a ReferralEvent on " + topic + ", got "
                    + (decoded == null ? "an empty record" : decoded.getClass().getName()));
        }
        if (event.getEventType() == ReferralEventType.CANCELLED) {
            return null;
        }
        return engine.decide(event, clock.instant());
    }
}
