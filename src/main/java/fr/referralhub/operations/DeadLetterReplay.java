package fr.referralhub.operations;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.counselling.CounsellingDistribution;
import fr.referralhub.counselling.Subscription;
import fr.referralhub.counselling.SubscriptionStore;
import fr.referralhub.counselling.webhook.FeedbackWebhookSender;
import fr.referralhub.counselling.webhook.WebhookSender;
import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.intake.InvalidPartnerEventException;
import fr.referralhub.intake.ReferralIntake;
import fr.referralhub.kafka.DeadLetterCipher;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.kafka.Outages;
import fr.referralhub.operations.DeadLetter.ReplayState;
import fr.referralhub.provenance.RecordProvenance;
import fr.referralhub.provenance.UntrustedRecordException;
import fr.referralhub.topics.RecordHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.stereotype.Component;

/**
 * Re-submits a dead letter, once its cause is fixed, into the processing of the route that failed (the entries of
 * {@code routes/dead-letter-replay.camel.yaml}), never onto its original topic. The original ids are kept, so a
 * replay is safe to repeat: an intake record keeps its partner event id (a second replay is a duplicate for the
 * referral ledger), an eligibility record its referral and event ids (its decision id derives from them; a second
 * replay of a published one answers DUPLICATE from the audit). A replay that is refused again writes no new dead
 * letter: the operator gets the reasons. Every replay is audited.
 *
 * <p>The webhook sender's dead letters are the exception: their "processing" is the outbox itself, so a replay puts
 * the original outbox record back on {@code webhook-deliveries.v1} (same key, headers and deliveryId: the receiver
 * de-duplicates), and the sender delivers it again with fresh retries. Its subscription must still be a WEBHOOK one.
 * Likewise a feedback webhook's dead letter goes back on the partner's {@code feedback.<partnerId>} (same feedbackId),
 * which its feedback webhook reads; the partner must still declare one.
 */
@Component
public class DeadLetterReplay {

    /** The replay entry of each route whose dead letters can be replayed, by route id. */
    static final Map<String, String> ENTRIES = Map.of(
            "social-landlord-intake", "direct:replay-social-landlord-intake",
            "training-body-file-intake", "direct:replay-training-body-file-intake",
            "eligibility-decisions", "direct:replay-eligibility-decisions",
            WebhookSender.ROUTE, "direct:replay-webhook-delivery",
            FeedbackWebhookSender.ROUTE, "direct:replay-feedback-webhook-delivery");
    /** Tag of the provenance counter: records on the dead-letter topic that the hub did not write. */
    public static final String CONSUMER = "dead-letters";
    private static final String ELIGIBILITY = "eligibility-decisions";
    private static final String TRAINING_BODY = "training-body-file-intake";
    private static final String WEBHOOK = WebhookSender.ROUTE;
    private static final String FEEDBACK_WEBHOOK = FeedbackWebhookSender.ROUTE;
    /** Headers of a webhook outbox record, kept by its dead letter and put back with it. */
    private static final List<String> OUTBOX_HEADERS = List.of(CounsellingDistribution.SUBSCRIPTION_ID,
            RecordHeaders.REFERRAL_ID, RecordHeaders.EVENT_ID, RecordHeaders.EVENT_TYPE, RecordHeaders.PARTNER_ID,
            RecordHeaders.PARTNER_EVENT_ID);
    /** Tracing headers a decision carries, as the referral state copies them from the referral event. */
    private static final List<String> TRACING_HEADERS = List.of(RecordHeaders.PARTNER_ID, RecordHeaders.PARTNER_EVENT_ID,
            RecordHeaders.REFERRAL_ID, RecordHeaders.EVENT_ID, RecordHeaders.EVENT_TYPE,
            RecordHeaders.PERSON_REFERENCE_BASIS);

    public enum Outcome {
        /** Processed this time: published with the original ids. */
        PUBLISHED,
        /** Already published (an earlier replay, or the partner sent it again meanwhile): nothing sent. */
        DUPLICATE,
        /** Refused again: the reasons say why; no new dead letter. */
        REFUSED
    }

    /**
     * What a replay did.
     *
     * @param referralId     the hub's referral id (published or duplicate)
     * @param partnerEventId the partner's event id, as in the original
     * @param eventId        the hub's event id of the canonical record (intake) or the decided one (eligibility)
     * @param decisionId     for an eligibility record: the decision published
     * @param reasons        for a refusal: why, as {@code field reason} (no values)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String deadLetterId, Outcome outcome, String route, String referralId, String partnerEventId,
                         String eventId, String decisionId, List<String> reasons, String replayedBy,
                         Instant replayedAt) {
    }

    /** The dead letter cannot be replayed at all (no replay entry for its route, another key...): 409. */
    public static class NotReplayable extends RuntimeException {
        NotReplayable(String message) {
            super(message);
        }
    }

    /** The broker or registry is briefly unavailable: nothing happened, retry later (503). */
    public static class ReplayUnavailable extends RuntimeException {
        ReplayUnavailable(Throwable cause) {
            super("Kafka or the schema registry is unavailable; nothing was replayed, retry later", cause);
        }
    }

    private final DeadLetterStore store;
    private final DeadLetterCipher cipher;
    private final OperatorAudit audit;
    private final ProducerTemplate producer;
    private final SubscriptionStore subscriptions;
    private final PartnerRegistry partners;
    private final RecordProvenance provenance;

    public DeadLetterReplay(DeadLetterStore store, DeadLetterCipher cipher, OperatorAudit audit,
                            ProducerTemplate producer, SubscriptionStore subscriptions, PartnerRegistry partners,
                            RecordProvenance provenance) {
        this.provenance = provenance;
        provenance.expect(CONSUMER);
        this.partners = partners;
        this.store = store;
        this.cipher = cipher;
        this.audit = audit;
        this.producer = producer;
        this.subscriptions = subscriptions;
    }

    /**
     * Why this record on the dead-letter topic is not one the hub wrote (counted once, {@link RecordProvenance}), or
     * empty. Such a record is listed flagged, as evidence, and never replayed: replayed, its original would be written
     * by the hub, so signed, and whatever it claims (its route, origin, reason) would become the hub's word.
     */
    public Optional<String> untrusted(ConsumerRecord<String, byte[]> deadLetter) {
        return provenance.checkEachOnce(CONSUMER, deadLetter);
    }

    /** Whether {@link #replay} can re-submit this dead letter (it may still be refused again). */
    public boolean isReplayable(ConsumerRecord<String, byte[]> deadLetter) {
        return whyNotReplayable(deadLetter) == null;
    }

    /**
     * @throws DeadLetterNotFound   no such dead letter
     * @throws NotReplayable        its route has no replay entry, or it lacks what a replay needs
     * @throws ReplayUnavailable    an outage: retry later
     */
    public Result replay(String id, String actor, String channel) {
        ConsumerRecord<String, byte[]> deadLetter = store.find(id).orElseThrow(() -> new DeadLetterNotFound(id));
        String why = whyNotReplayable(deadLetter);
        if (why != null) {
            throw new NotReplayable(why);
        }
        String route = DeadLetter.route(deadLetter);
        byte[] original;
        try {
            original = cipher.decrypt(deadLetter.value());
        } catch (IllegalArgumentException e) {
            throw new NotReplayable(e.getMessage());
        }
        Result result;
        ReplayState earlier = ELIGIBILITY.equals(route) ? audit.replays().get(id) : null;
        if (earlier != null && (Outcome.PUBLISHED.name().equals(earlier.outcome())
                || Outcome.DUPLICATE.name().equals(earlier.outcome()))) {
            // Decisions have no ledger: the audit knows this one was published already.
            result = new Result(id, Outcome.DUPLICATE, route, earlier.referralId(),
                    DeadLetter.header(deadLetter, RecordHeaders.PARTNER_EVENT_ID),
                    DeadLetter.header(deadLetter, RecordHeaders.EVENT_ID), null, null, actor, Instant.now());
        } else {
            Exchange sent = producer.send(ENTRIES.get(route), exchange -> prepare(exchange.getMessage(), deadLetter,
                    original, route));
            result = resultOf(id, route, sent, deadLetter, actor);
        }
        audit.replayed(actor, channel, id, result.outcome().name(), result.referralId(), result.reasons());
        return result;
    }

    private String whyNotReplayable(ConsumerRecord<String, byte[]> deadLetter) {
        Optional<String> untrusted = untrusted(deadLetter);
        if (untrusted.isPresent()) {
            return "The hub did not write this dead letter (" + untrusted.get() + "): it is kept as evidence, never "
                    + "replayed; check who may write " + deadLetter.topic() + " (the broker's ACLs)";
        }
        String route = DeadLetter.route(deadLetter);
        if (DeadLetters.DIGEST.equals(DeadLetter.header(deadLetter, DeadLetters.ORIGINAL))) {
            // Checked first: whatever its route, there is nothing to re-submit.
            return "Only a digest of the original was kept (" + DeadLetter.header(deadLetter, DeadLetters.ORIGINAL_BYTES)
                    + " bytes, too big to copy: " + DeadLetter.header(deadLetter, DeadLetters.REASONS)
                    + "): there is nothing to replay. Ask the sender to send it again within the limit; its origin is "
                    + DeadLetter.header(deadLetter, "__connect.errors.topic") + "/"
                    + DeadLetter.header(deadLetter, "__connect.errors.partition") + "@"
                    + DeadLetter.header(deadLetter, "__connect.errors.offset");
        }
        if (UntrustedRecordException.class.getName().equals(
                DeadLetter.header(deadLetter, "__connect.errors.exception.class.name"))) {
            // Replayed, it would be written again by the hub, so signed: the replay would launder it.
            return "The hub did not write this record ("
                    + DeadLetter.header(deadLetter, "__connect.errors.exception.message")
                    + "): it is kept as evidence, never replayed";
        }
        if (!ENTRIES.containsKey(route)) {
            return "Dead letters of route " + route + " cannot be replayed (replayable: " + ENTRIES.keySet() + ")";
        }
        String keyId = DeadLetter.header(deadLetter, DeadLetters.KEY_ID);
        if (!cipher.keyId().equals(keyId)) {
            return "Encrypted with key " + keyId + ", not the hub's current key " + cipher.keyId()
                    + ": replay it from an instance configured with that key";
        }
        if (TRAINING_BODY.equals(route) && (DeadLetter.header(deadLetter, DeadLetters.FILE_HEADER) == null
                || DeadLetter.header(deadLetter, RecordHeaders.PARTNER_ID) == null)) {
            return "Written before file rows kept their file's header row and partner: the row cannot be read alone; "
                    + "ask the partner to drop it again";
        }
        if (WEBHOOK.equals(route)) {
            String subscriptionId = DeadLetter.header(deadLetter, CounsellingDistribution.SUBSCRIPTION_ID);
            String id = subscriptionId == null ? deadLetter.key() : subscriptionId;
            boolean inForce = id != null && subscriptions.find(id)
                    .filter(s -> s.deliveryMode() == Subscription.DeliveryMode.WEBHOOK).isPresent();
            if (!inForce) {
                return "Subscription " + id + " was deleted, or no longer delivers by WEBHOOK, since this dead letter "
                        + "was written: there is nowhere to deliver it. Declare the subscription again (PUT "
                        + "/ops/subscriptions/" + id + ") to replay it, or leave the dead letter";
            }
        }
        if (FEEDBACK_WEBHOOK.equals(route)) {
            String partnerId = DeadLetter.header(deadLetter, RecordHeaders.PARTNER_ID);
            if (partnerId == null || partners.find(partnerId).map(Partner::feedbackWebhook).isEmpty()) {
                return "Partner " + partnerId + " has no feedback webhook any more (removed from its registry entry "
                        + "since this dead letter was written): there is nowhere to deliver it; its feedback topic "
                        + "already holds the feedback";
            }
        }
        return null;
    }

    /** The record as the failed route had it: original bytes and key, where it was consumed from. */
    private static void prepare(Message message, ConsumerRecord<String, byte[]> deadLetter, byte[] original,
                                String route) {
        message.setHeader(KafkaConstants.KEY, deadLetter.key());
        String topic = DeadLetter.header(deadLetter, "__connect.errors.topic");
        if (topic != null) {
            message.setHeader(KafkaConstants.TOPIC, topic);
        }
        if (TRAINING_BODY.equals(route)) {
            message.setBody(new String(original, StandardCharsets.UTF_8));
            message.setHeader(DeadLetters.FILE_HEADER, DeadLetter.header(deadLetter, DeadLetters.FILE_HEADER));
            message.setHeader(DeadLetters.FILE_ROW, DeadLetter.header(deadLetter, DeadLetters.FILE_ROW));
            message.setHeader(RecordHeaders.PARTNER_ID, DeadLetter.header(deadLetter, RecordHeaders.PARTNER_ID));
            return;
        }
        message.setBody(original);
        if (FEEDBACK_WEBHOOK.equals(route)) {
            // Back on the partner's feedback topic, same key, headers and feedbackId: the feedback webhook sends it
            // again, and Kafka readers of the topic de-duplicate it on feedbackId as any feedback sent again.
            message.setHeader(KafkaConstants.OVERRIDE_TOPIC, topic);
        }
        if (WEBHOOK.equals(route) || FEEDBACK_WEBHOOK.equals(route)) {
            // Back to the outbox as it was: same key (the subscription's lane), same deliveryId in the record.
            OUTBOX_HEADERS.forEach(name -> {
                String value = DeadLetter.header(deadLetter, name);
                if (value != null) {
                    message.setHeader(name, value);
                }
            });
        }
        if (ELIGIBILITY.equals(route)) {
            for (String name : TRACING_HEADERS) {
                String value = DeadLetter.header(deadLetter, name);
                if (value != null) {
                    message.setHeader(name, value);
                }
            }
        }
    }

    private static Result resultOf(String id, String route, Exchange sent, ConsumerRecord<String, byte[]> deadLetter,
                                   String actor) {
        Exception failure = sent.getException();
        String partnerEventId = DeadLetter.header(deadLetter, RecordHeaders.PARTNER_EVENT_ID);
        if (failure != null) {
            if (Outages.isTransient(failure)) {
                throw new ReplayUnavailable(failure);
            }
            return new Result(id, Outcome.REFUSED, route, null, partnerEventId, null, null, reasons(failure), actor,
                    Instant.now());
        }
        Message message = sent.getMessage();
        if (WEBHOOK.equals(route) || FEEDBACK_WEBHOOK.equals(route)) {
            // On the outbox again: the webhook sender delivers it with fresh retries (or dead-letters it again).
            return new Result(id, Outcome.PUBLISHED, route, DeadLetter.header(deadLetter, RecordHeaders.REFERRAL_ID),
                    partnerEventId, DeadLetter.header(deadLetter, RecordHeaders.EVENT_ID), null, null, actor,
                    Instant.now());
        }
        if (ELIGIBILITY.equals(route)) {
            EligibilityDecision decision = sent.getProperty(CounsellingDistribution.REPLAYED_DECISION,
                    message.getBody(EligibilityDecision.class), EligibilityDecision.class);
            return new Result(id, Outcome.PUBLISHED, route,
                    decision == null ? message.getHeader(RecordHeaders.REFERRAL_ID, String.class) : decision.getReferralId(),
                    partnerEventId, decision == null ? null : decision.getReferralEventId(),
                    decision == null ? null : decision.getDecisionId(), null, actor, Instant.now());
        }
        boolean duplicate = sent.getProperty(ReferralIntake.DUPLICATE, false, Boolean.class);
        return new Result(id, duplicate ? Outcome.DUPLICATE : Outcome.PUBLISHED, route,
                sent.getProperty(ReferralIntake.REFERRAL_ID, String.class),
                sent.getProperty(ReferralIntake.PARTNER_EVENT_ID, partnerEventId, String.class),
                duplicate ? null : sent.getProperty(ReferralIntake.EVENT_ID, String.class), null, null, actor,
                Instant.now());
    }

    /** Why a replay was refused, as the dead letter's reasons are written: {@code field reason}, no values. */
    private static List<String> reasons(Exception failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidPartnerEventException refused) {
                return refused.errors().stream().map(e -> e.field() + " " + e.reason()).toList();
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return List.of("(record) " + root.getClass().getSimpleName() + ": " + root.getMessage());
    }
}
