package fr.referralhub.counselling;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import fr.referralhub.avro.CounsellingReferral;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.FeedbackKind;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.eligibility.EligibilityEngine;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.kafka.Outages;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.topics.RecordHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Route steps of {@code routes/counselling-distribution.camel.yaml}: turns a batch of canonical referral events into
 * the records counselling services and referrers get.
 *
 * <ul>
 * <li>A creation or update whose person was informed goes, minimised to each subscription's profile, to every
 * subscription it matches and to every subscription it was sent to before (an update that no longer matches still
 * reaches the services that have the referral), on {@code counselling.<serviceId>}. The first delivery to a KAFKA
 * subscription (CREATED as the service sees it) also tells the referrer, DELIVERED on {@code feedback.<partnerId>}
 * ({@link DeliveredFeedback}); for a WEBHOOK subscription the webhook sender does, once the receiver accepted it.</li>
 * <li>One whose person was not informed ({@code personInformed} not true) is held: no service gets it, and the
 * referrer gets a HELD_NOT_INFORMED feedback on {@code feedback.<partnerId>}. A later update with the person
 * informed releases it (it is then routed like any event).</li>
 * <li>A cancellation goes to every service the referral was sent to, even if their subscription changed or went:
 * it names the referral and the reason code, nothing else.</li>
 * </ul>
 * Where each referral went is stored on the counselling deliveries topic ({@link ReferralRoutings}) before the batch
 * is sent, so a replayed batch routes the same way. Records are keyed by referral id, not by the person's pseudonym.
 */
@Component("counsellingDistribution")
public class CounsellingDistribution {

    /** Header of counselling records: the subscription that routed it. */
    public static final String SUBSCRIPTION_ID = "hub.subscription-id";
    static final String REASON_NOT_INFORMED = "PERSON_NOT_INFORMED";
    static final String REASON_NOT_INFORMED_TEXT = "Orientation retenue : la personne n'a pas été informée de son "
            + "orientation. Elle ne sera transmise à aucun service d'accompagnement tant qu'une mise à jour n'indique "
            + "pas qu'elle l'a été.";
    /** Exchange property: the records of the batch, to count them once acknowledged. */
    private static final String OUTPUTS = "hubCounsellingOutputs";
    /** Exchange property of an output bound for the webhook outbox. */
    private static final String TO_WEBHOOK = "hubToWebhook";
    private static final Logger log = LoggerFactory.getLogger(CounsellingDistribution.class);

    private final SubscriptionStore subscriptions;
    private final ReferralRoutings routings;
    private final CounsellingTopics topics;
    private final EligibilityEngine engine;
    private final DeadLetters deadLetters;
    private final MeterRegistry meters;
    private final DeliveredFeedback delivered;
    private final AvroDeserializer deserializer = new AvroDeserializer();
    private final Clock clock = Clock.systemUTC();
    /**
     * Dates deliveries: the hub's clock (fr.referralhub.expiry.ExpiryConfiguration) that expiry counts from. Eligibility
     * keeps the system clock, as the eligibility route does, so both decide the same.
     */
    private final Clock deliveryClock;

    public CounsellingDistribution(SubscriptionStore subscriptions, ReferralRoutings routings,
                                   CounsellingTopics topics, EligibilityEngine engine, DeadLetters deadLetters,
                                   MeterRegistry meters, DeliveredFeedback delivered,
                                   @Value("${hub.schema-registry.url}") String registryUrl, Clock deliveryClock) {
        this.deliveryClock = deliveryClock;
        this.subscriptions = subscriptions;
        this.routings = routings;
        this.topics = topics;
        this.engine = engine;
        this.deadLetters = deadLetters;
        this.meters = meters;
        this.delivered = delivered;
        deserializer.configure(Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
    }

    /**
     * @return the records to send (each with its topic, key and headers), after storing where each referral went
     */
    public List<Exchange> distributeBatch(List<Exchange> records, Exchange batch) {
        List<Exchange> outputs = new ArrayList<>();
        // Routings changed by this batch: a later event of the same referral in the batch must see them.
        Map<String, ReferralRouting> changed = new LinkedHashMap<>();
        for (Exchange record : records) {
            try {
                ReferralEvent event = decode(record);
                ReferralRouting before = changed.getOrDefault(event.getReferralId(), routings.of(event.getReferralId()));
                List<Exchange> produced = new ArrayList<>();
                ReferralRouting after = distribute(event, before, batch, produced);
                outputs.addAll(produced);
                if (!after.equals(before)) {
                    changed.put(event.getReferralId(), after);
                }
            } catch (RuntimeException e) {
                if (Outages.isTransient(e)) {
                    throw e;
                }
                deadLetters.send(record, batch.getFromRouteId(), e);
                count("none", "dead_lettered");
            }
        }
        // Stored before sending: if sending fails the batch is consumed again and routed the same way.
        if (!changed.isEmpty()) {
            routings.recordAll(changed.values());
        }
        batch.setProperty(OUTPUTS, outputs);
        return outputs;
    }

    private ReferralEvent decode(Exchange record) {
        String topic = record.getMessage().getHeader(KafkaConstants.TOPIC, String.class);
        Object decoded = deserializer.deserialize(topic, record.getMessage().getBody(byte[].class));
        if (!(decoded instanceof ReferralEvent event)) {
            throw new IllegalArgumentException("Expected a ReferralEvent on " + topic + ", got "
                    + (decoded == null ? "an empty record" : decoded.getClass().getName()));
        }
        return event;
    }

    private ReferralRouting distribute(ReferralEvent event, ReferralRouting before, Exchange batch,
                                       List<Exchange> produced) {
        if (event.getEventType() == ReferralEventType.CANCELLED) {
            before.sentTo().forEach((subscriptionId, serviceId) -> produced.add(counsellingRecord(batch, event,
                    subscriptionId, serviceId, ReferralEventType.CANCELLED, Set.of(), () -> null)));
            return before;
        }
        if (!Boolean.TRUE.equals(event.getPersonInformed())) {
            // Consent first: not even the services that already have the referral get this state of it.
            produced.add(heldFeedback(batch, event));
            return before.held(true);
        }
        Supplier<EligibilityDecision> decision = memoized(() -> decide(event));
        ReferralRouting after = before.held(false);
        for (Subscription subscription : subscriptions.active()) {
            boolean hadIt = before.sentTo().containsKey(subscription.id());
            if (hadIt || subscription.criteria().matches(event, decision)) {
                Exchange record = counsellingRecord(batch, event, subscription.id(), subscription.serviceId(),
                        hadIt ? ReferralEventType.UPDATED : ReferralEventType.CREATED, subscription.profile(), decision);
                produced.add(record);
                if (!hadIt && !Boolean.TRUE.equals(record.getProperty(TO_WEBHOOK, Boolean.class))) {
                    produced.add(deliveredFeedback(batch, event, record, subscription.serviceId()));
                }
                after = after.sentAlsoTo(subscription, deliveryClock.instant());
            }
        }
        // A subscription deleted since the referral was sent: no profile any more says what the service may see of
        // an update, so it only gets the cancellation, if one comes.
        return after;
    }

    /**
     * The event's eligibility, as the eligibility route decides it; null when it cannot be decided (no rule set
     * for its date): eligibility criteria then do not match, and the other subscriptions still get the referral.
     */
    private EligibilityDecision decide(ReferralEvent event) {
        try {
            return engine.decide(event, clock.instant());
        } catch (IllegalStateException | IllegalArgumentException e) {
            log.warn("Eligibility of referral event {} cannot be decided for counselling: {}", event.getEventId(),
                    e.getMessage());
            return null;
        }
    }

    private Exchange counsellingRecord(Exchange batch, ReferralEvent event, String subscriptionId, String serviceId,
                                       ReferralEventType seenAs, Set<CounsellingField> profile,
                                       Supplier<EligibilityDecision> decision) {
        // A WEBHOOK subscription's record goes to the outbox, keyed by subscription so its deliveries stay in order;
        // the webhook sender POSTs it. A subscription gone since keeps its last mode's topic: its service's.
        boolean webhook = subscriptions.find(subscriptionId)
                .map(s -> s.deliveryMode() == Subscription.DeliveryMode.WEBHOOK).orElse(false);
        Exchange out = output(batch, webhook ? topics.webhookOutbox() : topics.counsellingTopic(serviceId), event,
                CounsellingProjection.project(event, subscriptionId, seenAs, profile, decision));
        out.getMessage().setHeader(RecordHeaders.EVENT_TYPE, seenAs.name());
        out.getMessage().setHeader(SUBSCRIPTION_ID, subscriptionId);
        if (webhook) {
            out.getMessage().setHeader(KafkaConstants.KEY, subscriptionId);
            // In the outbox, not yet delivered: the webhook sender counts it once the receiver has it, and tells the
            // referrer (DELIVERED) then. Its referrer travels in headers of the outbox only, never on a service's topic
            // (the REFERRER profile decides whether a service sees it).
            out.getMessage().setHeader(RecordHeaders.PARTNER_ID, event.getSource().getPartnerId());
            out.getMessage().setHeader(RecordHeaders.PARTNER_EVENT_ID, event.getSource().getPartnerEventId());
            out.setProperty(TO_WEBHOOK, true);
        }
        return out;
    }

    /**
     * The DELIVERED feedback of a first delivery to a KAFKA subscription: in the same batch as the counselling record,
     * so the referrer is told once the broker acknowledged both (a failed batch is consumed again: same feedbackId).
     */
    private Exchange deliveredFeedback(Exchange batch, ReferralEvent event, Exchange counsellingRecord,
                                       String serviceId) {
        String partnerId = event.getSource().getPartnerId();
        String deliveryId = counsellingRecord.getMessage().getBody(CounsellingReferral.class)
                .getDeliveryId();
        ReferralFeedback feedback = delivered.of(event.getReferralId(), event.getSource().getPartnerEventId(),
                event.getEventId(), deliveryId, serviceId);
        Exchange out = output(batch, topics.feedbackTopic(partnerId), event, feedback);
        out.getMessage().setHeader(RecordHeaders.PARTNER_ID, partnerId);
        out.getMessage().setHeader(RecordHeaders.PARTNER_EVENT_ID, event.getSource().getPartnerEventId());
        return out;
    }

    private Exchange heldFeedback(Exchange batch, ReferralEvent event) {
        String partnerId = event.getSource().getPartnerId();
        log.info("Referral {} held: the person was not informed (partner {})", event.getReferralId(), partnerId);
        ReferralFeedback feedback = ReferralFeedback.newBuilder()
                .setFeedbackId(UUID.nameUUIDFromBytes(("feedback:" + event.getEventId() + ":"
                        + FeedbackKind.HELD_NOT_INFORMED).getBytes(StandardCharsets.UTF_8)).toString())
                .setReferralId(event.getReferralId())
                .setPartnerEventId(event.getSource().getPartnerEventId())
                .setEventId(event.getEventId())
                .setKind(FeedbackKind.HELD_NOT_INFORMED)
                .setReasonCode(REASON_NOT_INFORMED)
                .setReasonText(REASON_NOT_INFORMED_TEXT)
                .setOccurredAt(clock.instant())
                .build();
        Exchange out = output(batch, topics.feedbackTopic(partnerId), event, feedback);
        out.getMessage().setHeader(RecordHeaders.PARTNER_ID, partnerId);
        out.getMessage().setHeader(RecordHeaders.PARTNER_EVENT_ID, event.getSource().getPartnerEventId());
        return out;
    }

    private static Exchange output(Exchange batch, String topic, ReferralEvent event, Object value) {
        Exchange out = new DefaultExchange(batch.getContext());
        Message message = out.getMessage();
        message.setBody(value);
        message.setHeader(KafkaConstants.OVERRIDE_TOPIC, topic);
        message.setHeader(KafkaConstants.KEY, event.getReferralId());
        message.setHeader(RecordHeaders.REFERRAL_ID, event.getReferralId());
        message.setHeader(RecordHeaders.EVENT_ID, event.getEventId());
        return out;
    }

    /** Route step, after the producer: every record of the batch is acknowledged. */
    @SuppressWarnings("unchecked")
    public void countDelivered(Exchange batch) {
        countOutputs(batch.getProperty(OUTPUTS, List.class), "delivered");
    }

    /** Route step, when sending failed: counts, then fails the batch so it is consumed again. */
    @SuppressWarnings("unchecked")
    public void countFailedAndRethrow(Exchange batch) throws Exception {
        countOutputs(batch.getProperty(OUTPUTS, List.class), "failed");
        throw batch.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }

    private void countOutputs(List<Exchange> outputs, String result) {
        if (outputs == null) {
            return;
        }
        for (Exchange out : outputs) {
            String subscriptionId = out.getMessage().getHeader(SUBSCRIPTION_ID, String.class);
            if (subscriptionId != null && !Boolean.TRUE.equals(out.getProperty(TO_WEBHOOK, Boolean.class))) {
                count(subscriptionId, result);
            }
        }
    }

    private void count(String subscriptionId, String result) {
        Counter.builder("hub.subscription.deliveries")
                .description("Referral records for counselling subscriptions, by result")
                .tag("subscription", subscriptionId).tag("result", result)
                .register(meters).increment();
    }

    private static <T> Supplier<T> memoized(Supplier<T> supplier) {
        return new Supplier<>() {
            private Optional<T> value;

            @Override
            public T get() {
                if (value == null) {
                    value = Optional.ofNullable(supplier.get());
                }
                return value.orElse(null);
            }
        };
    }
}
