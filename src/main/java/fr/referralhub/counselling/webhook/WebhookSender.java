package fr.referralhub.counselling.webhook;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import fr.referralhub.avro.CounsellingReferral;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.counselling.CounsellingDistribution;
import fr.referralhub.counselling.CounsellingTopics;
import fr.referralhub.counselling.DeliveredFeedback;
import fr.referralhub.counselling.Subscription;
import fr.referralhub.counselling.Subscription.DeliveryMode;
import fr.referralhub.counselling.SubscriptionDeliveries;
import fr.referralhub.counselling.SubscriptionStore;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.provenance.HubKafkaClients;
import fr.referralhub.provenance.RecordProvenance;
import fr.referralhub.schemaregistry.AvroSerializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.RecordHeaders;
import org.apache.avro.generic.IndexedRecord;
import org.apache.camel.Message;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends the webhook outbox ({@code webhook-deliveries.v1}, keyed by subscription id) to the WEBHOOK subscriptions'
 * URLs: one lane per subscription, with the signing, retries and dead letters of {@link SignedWebhookSender}
 * (header {@code X-Hub-Subscription-Id}; dead letters with connector name {@value #ROUTE} and header
 * {@code hub.subscription-id}; metric {@code hub.subscription.deliveries}).
 *
 * <p>After a 2xx, the first delivery of a referral to the subscription (CREATED) tells its referrer, a DELIVERED
 * feedback on {@code feedback.<partnerId>} ({@link DeliveredFeedback}), before the delivery ends: a crash in between
 * sends both again, with the same ids; a dead-lettered delivery tells nothing.
 */
@Component
public class WebhookSender extends SignedWebhookSender {

    /** Name of this flow where routes are named: dead letters, metrics, logs. */
    public static final String ROUTE = "webhook-delivery";
    public static final String GROUP = "referral-hub-webhooks";
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

    private final String topic;
    private final KafkaConnection kafka;
    private final SchemaRegistryProperties registry;
    private final SubscriptionStore subscriptions;
    private final SubscriptionDeliveries deliveries;
    private final CounsellingTopics feedbackTopics;
    private final DeliveredFeedback deliveredFeedback;
    /** Writes DELIVERED feedback. */
    private Producer<String, Object> producer;
    /** Signs the DELIVERED feedback it writes (fr.referralhub.provenance). */
    private final HubKafkaClients kafkaClients;

    public WebhookSender(KafkaConnection kafka,
                         SchemaRegistryProperties registry, HubTopicProperties topics,
                         SubscriptionStore subscriptions, WebhookSecrets secrets, WebhookProperties properties,
                         DeadLetters deadLetters, SubscriptionDeliveries deliveries, CounsellingTopics feedbackTopics,
                         DeliveredFeedback deliveredFeedback, RecordProvenance provenance,
                         HubKafkaClients kafkaClients) {
        super(ROUTE, GROUP, kafka, registry, secrets, properties, deadLetters, provenance);
        this.kafkaClients = kafkaClients;
        this.topic = topics.webhookDeliveries();
        this.kafka = kafka;
        this.registry = registry;
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.feedbackTopics = feedbackTopics;
        this.deliveredFeedback = deliveredFeedback;
    }

    @Override
    protected Collection<String> topics() {
        return List.of(topic);
    }

    @Override
    protected String laneOf(ConsumerRecord<String, byte[]> record) {
        String subscriptionId = header(record, CounsellingDistribution.SUBSCRIPTION_ID);
        return String.valueOf(subscriptionId == null ? record.key() : subscriptionId);
    }

    @Override
    protected Target targetOf(Delivery delivery) {
        Subscription subscription = subscriptions.find(delivery.lane())
                .filter(s -> s.deliveryMode() == DeliveryMode.WEBHOOK)
                .orElseThrow(() -> new WebhookDeliveryException("subscription " + delivery.lane()
                        + " is no longer a WEBHOOK subscription in force: nothing to send it to"));
        delivery.context(subscription.serviceId());
        return new Target(URI.create(subscription.declaration().delivery().url()),
                subscription.declaration().delivery().secretRef(),
                Map.of(WebhookSignature.SUBSCRIPTION_ID, delivery.lane()));
    }

    @Override
    protected Class<? extends IndexedRecord> recordType() {
        return CounsellingReferral.class;
    }

    @Override
    protected String deliveryIdOf(IndexedRecord decoded) {
        return ((CounsellingReferral) decoded).getDeliveryId();
    }

    @Override
    protected void describeDeadLetter(Delivery delivery, Message message) {
        message.setHeader(CounsellingDistribution.SUBSCRIPTION_ID, delivery.lane());
    }

    @Override
    protected void count(String subscriptionId, String result) {
        deliveries.count(subscriptionId, result);
    }

    /**
     * A first delivery (CREATED) tells the referrer DELIVERED, then ends; updates and cancellations just end. If the
     * feedback cannot be written the delivery does not end (its offset waits) and the write is tried again later.
     */
    @Override
    protected void delivered(Delivery delivery, Runnable end) {
        if (!running()) {
            return; // not ended, not committed: sent again after the restart, feedback included
        }
        CounsellingReferral referral = (CounsellingReferral) delivery.decoded();
        if (referral.getEventType() != ReferralEventType.CREATED) {
            end.run();
            return;
        }
        String partnerId = delivery.header(RecordHeaders.PARTNER_ID);
        if (partnerId == null) {
            // Written to the outbox before outbox records named their referrer: nobody known to tell.
            log.warn("Webhook delivery {}: no referrer on the outbox record, no DELIVERED feedback",
                    delivery.deliveryId());
            end.run();
            return;
        }
        try {
            String partnerEventId = delivery.header(RecordHeaders.PARTNER_EVENT_ID);
            ReferralFeedback feedback = deliveredFeedback.of(referral.getReferralId(), partnerEventId,
                    referral.getEventId(), delivery.deliveryId(), (String) delivery.context());
            ProducerRecord<String, Object> record = new ProducerRecord<>(feedbackTopics.feedbackTopic(partnerId),
                    referral.getReferralId(), feedback);
            record.headers().add(RecordHeaders.REFERRAL_ID, utf8(referral.getReferralId()))
                    .add(RecordHeaders.EVENT_ID, utf8(referral.getEventId()))
                    .add(RecordHeaders.PARTNER_ID, utf8(partnerId));
            if (partnerEventId != null) {
                record.headers().add(RecordHeaders.PARTNER_EVENT_ID, utf8(partnerEventId));
            }
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    end.run();
                } else {
                    feedbackNotWritten(delivery, end, error);
                }
            });
        } catch (RuntimeException e) {
            feedbackNotWritten(delivery, end, e);
        }
    }

    private void feedbackNotWritten(Delivery delivery, Runnable end, Throwable error) {
        log.error("DELIVERED feedback of webhook delivery {} not written; trying again", delivery.deliveryId(), error);
        scheduler.schedule(() -> delivered(delivery, end), properties.maxDelay().toMillis(), TimeUnit.MILLISECONDS);
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void start() {
        AvroSerializer serializer = registry.serializer();
        producer = kafkaClients.producer(kafka.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                ProducerConfig.CLIENT_ID_CONFIG, "referral-hub-webhook-feedback")),
                new StringSerializer(), serializer);
        super.start();
    }

    @Override
    public void stop() {
        super.stop();
        producer.close(Duration.ofSeconds(5));
    }
}
