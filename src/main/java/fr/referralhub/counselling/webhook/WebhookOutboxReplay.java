package fr.referralhub.counselling.webhook;

import fr.referralhub.avro.CounsellingReferral;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.stereotype.Component;

/**
 * Route step of the webhook replays ({@code routes/dead-letter-replay.camel.yaml}): reads the original record of a
 * webhook dead letter back into its Avro record ({@link CounsellingReferral} of the outbox, or {@link ReferralFeedback}
 * of a feedback topic), so the Kafka producer writes it again as any such record (same fields, same delivery id).
 * A record of another type is refused.
 */
@Component("webhookOutboxReplay")
public class WebhookOutboxReplay {

    private final AvroDeserializer deserializer;

    public WebhookOutboxReplay(SchemaRegistryProperties registry) {
        this.deserializer = registry.specificDeserializer();
    }

    public void readOriginal(Exchange exchange) {
        String topic = exchange.getMessage().getHeader(KafkaConstants.TOPIC, String.class);
        Object decoded = deserializer.deserialize(topic, exchange.getMessage().getBody(byte[].class));
        if (!(decoded instanceof CounsellingReferral) && !(decoded instanceof ReferralFeedback)) {
            throw new IllegalArgumentException("The original is neither a webhook outbox record (CounsellingReferral) "
                    + "nor a feedback (ReferralFeedback): " + (decoded == null ? "empty" : decoded.getClass().getName()));
        }
        exchange.getMessage().setBody(decoded);
    }
}
