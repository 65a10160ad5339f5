package fr.referralhub.counselling.webhook;

import java.util.Map;

import fr.referralhub.avro.CounsellingReferral;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.schemaregistry.AvroDeserializer;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Route step of the webhook replays ({@code routes/dead-letter-replay.camel.yaml}): reads the original record of a
 * webhook dead letter back into its Avro record ({@link CounsellingReferral} of the outbox, or {@link ReferralFeedback}
 * of a feedback topic), so the Kafka producer writes it again as any such record (same fields, same delivery id).
 * A record of another type is refused.
 */
@Component("webhookOutboxReplay")
public class WebhookOutboxReplay {

    private final AvroDeserializer deserializer = new AvroDeserializer();

    public WebhookOutboxReplay(@Value("${hub.schema-registry.url}") String registryUrl) {
        deserializer.configure(Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
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
