package fr.referralhub.counselling.webhook;

import java.util.Map;

import fr.referralhub.avro.CounsellingReferral;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.topics.HubTopicProperties;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Route step of {@code replay-webhook-delivery} ({@code routes/dead-letter-replay.camel.yaml}): reads the original
 * outbox record of a webhook dead letter back into its {@link CounsellingReferral}, so the Kafka producer writes it
 * to the outbox again as any outbox record (same fields, same deliveryId). A record that is not one is refused.
 */
@Component("webhookOutboxReplay")
public class WebhookOutboxReplay {

    private final String outbox;
    private final AvroDeserializer deserializer = new AvroDeserializer();

    public WebhookOutboxReplay(HubTopicProperties topics, @Value("${hub.schema-registry.url}") String registryUrl) {
        this.outbox = topics.webhookDeliveries();
        deserializer.configure(Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
    }

    public void readOriginal(Exchange exchange) {
        Object decoded = deserializer.deserialize(outbox, exchange.getMessage().getBody(byte[].class));
        if (!(decoded instanceof CounsellingReferral referral)) {
            throw new IllegalArgumentException("The original is not a webhook outbox record (CounsellingReferral): "
                    + (decoded == null ? "empty" : decoded.getClass().getName()));
        }
        exchange.getMessage().setBody(referral);
    }
}
