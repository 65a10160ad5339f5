package fr.referralhub.counselling.webhook;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.counselling.CounsellingTopics;
import fr.referralhub.counselling.SubscriptionValidator;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.provenance.RecordProvenance;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.topics.RecordHeaders;
import fr.referralhub.topics.TopicCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.generic.IndexedRecord;
import org.apache.camel.Message;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.stereotype.Component;

/**
 * POSTs every {@code ReferralFeedback} of {@code feedback.<partnerId>} to the partner's feedback webhook, for the
 * partners whose registry entry declares one ({@code feedback-webhook: {url, secret-ref}}, README "Feedback
 * webhook"): same signed JSON, retries, backoff and dead letters as counselling webhooks ({@link SignedWebhookSender}),
 * one lane per partner so a slow or failing partner delays nobody else. The delivery id is the feedbackId, on which
 * referrers already de-duplicate. Dead letters: connector name {@value #ROUTE}, header {@code hub.partner-id}; replayed
 * onto the partner's feedback topic, where the webhook sends it again. Metric
 * {@code hub.feedback.webhook.deliveries{partner,result}}.
 *
 * <p>A partner's declaration is checked at start-up (https URL, a secret this instance has): a mistake stops the
 * hub, as other mistakes of the partner registry do.
 */
@Component
public class FeedbackWebhookSender extends SignedWebhookSender {

    public static final String ROUTE = "feedback-webhook-delivery";
    public static final String GROUP = "referral-hub-feedback-webhooks";
    /** Request header: the partner whose feedback this is. */
    public static final String PARTNER_ID = "X-Hub-Partner-Id";
    public static final String METRIC = "hub.feedback.webhook.deliveries";

    private final PartnerRegistry partners;
    private final CounsellingTopics topics;
    private final String feedbackPrefix;
    private final MeterRegistry meters;

    public FeedbackWebhookSender(KafkaConnection kafka,
                                 SchemaRegistryProperties registry, PartnerRegistry partners,
                                 CounsellingTopics topics, TopicCatalog catalog, WebhookSecrets secrets,
                                 WebhookProperties properties, DeadLetters deadLetters, MeterRegistry meters,
                                 RecordProvenance provenance) {
        super(ROUTE, GROUP, kafka, registry, secrets, properties, deadLetters, provenance);
        this.partners = partners;
        this.topics = topics;
        this.feedbackPrefix = catalog.feedback().member("");
        this.meters = meters;
        for (Partner partner : partners.all()) {
            Partner.FeedbackWebhook webhook = partner.feedbackWebhook();
            if (webhook == null) {
                continue;
            }
            String problem = SubscriptionValidator.webhookUrlProblem(webhook.url(), properties.allowHttpLocalhost());
            if (problem != null) {
                throw invalid(partner, "url " + problem);
            }
            if (webhook.secretRef() == null || secrets.find(webhook.secretRef()).isEmpty()) {
                throw invalid(partner, "secret-ref: " + WebhookSecrets.missing(String.valueOf(webhook.secretRef())));
            }
            // From start-up at 0: the dashboard shows 0, not "no data", and a first failure is an increase.
            RESULTS.forEach(result -> counter(partner.id(), result));
        }
    }

    private static IllegalStateException invalid(Partner partner, String problem) {
        return new IllegalStateException("Invalid partner registry (hub.partners): feedback-webhook of partner '"
                + partner.id() + "': " + problem);
    }

    /** The feedback topics of the partners with a webhook, created (with their schema) if none was written yet. */
    @Override
    protected Collection<String> topics() {
        List<String> names = new ArrayList<>();
        for (Partner partner : partners.all()) {
            if (partner.feedbackWebhook() != null) {
                names.add(topics.feedbackTopic(partner.id()));
            }
        }
        return names;
    }

    @Override
    protected String laneOf(ConsumerRecord<String, byte[]> record) {
        return record.topic().startsWith(feedbackPrefix) ? record.topic().substring(feedbackPrefix.length()) : null;
    }

    @Override
    protected Target targetOf(Delivery delivery) {
        Partner.FeedbackWebhook webhook = partners.find(delivery.lane()).map(Partner::feedbackWebhook)
                .orElseThrow(() -> new WebhookDeliveryException("partner " + delivery.lane()
                        + " has no feedback webhook any more: nothing to send it to"));
        return new Target(URI.create(webhook.url()), webhook.secretRef(), Map.of(PARTNER_ID, delivery.lane()));
    }

    @Override
    protected Class<? extends IndexedRecord> recordType() {
        return ReferralFeedback.class;
    }

    @Override
    protected String deliveryIdOf(IndexedRecord decoded) {
        return ((ReferralFeedback) decoded).getFeedbackId();
    }

    @Override
    protected void describeDeadLetter(Delivery delivery, Message message) {
        message.setHeader(RecordHeaders.PARTNER_ID, delivery.lane());
    }

    @Override
    protected void count(String partnerId, String result) {
        counter(partnerId, result).increment();
    }

    private Counter counter(String partnerId, String result) {
        return Counter.builder(METRIC).description("Feedback POSTed to partners' feedback webhooks, by result")
                .tag("partner", partnerId).tag("result", result)
                .register(meters);
    }
}
