package fr.referralhub.counselling;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import fr.referralhub.avro.CounsellingReferral;
import fr.referralhub.avro.DecisionKind;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.FeedbackKind;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.state.OutboundRecord;
import fr.referralhub.state.ReferralDistribution;
import fr.referralhub.state.ReferralRouting;
import fr.referralhub.topics.RecordHeaders;
import fr.referralhub.counselling.webhook.SignedWebhookSender;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Where each accepted partner event goes, decided by the referral state on the instance that owns the referral, in the
 * transaction that publishes it on referrals.v1 ({@link ReferralDistribution}): the routing is stored in the referral's
 * entry and the records below are written with it, once.
 *
 * <ul>
 * <li>Every eligibility decision of the event (not a withdrawal) goes to the referrer, DECISION on
 * {@code feedback.<partnerId>} ({@link DecisionFeedback}).</li>
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
 * Records are keyed by referral id, not by the person's pseudonym.
 */
@Component("counsellingDistribution")
public class CounsellingDistribution implements ReferralDistribution {

    /** Exchange property of a replayed decision's route: the decision, once the body is its feedback. */
    public static final String REPLAYED_DECISION = "hub.replayed-decision";

    /** Header of counselling records: the subscription that routed it. */
    public static final String SUBSCRIPTION_ID = "hub.subscription-id";
    static final String REASON_NOT_INFORMED = "PERSON_NOT_INFORMED";
    static final String REASON_NOT_INFORMED_TEXT = "Orientation retenue : la personne n'a pas été informée de son "
            + "orientation. Elle ne sera transmise à aucun service d'accompagnement tant qu'une mise à jour n'indique "
            + "pas qu'elle l'a été.";
    private static final Logger log = LoggerFactory.getLogger(CounsellingDistribution.class);

    private final SubscriptionStore subscriptions;
    private final CounsellingTopics topics;
    private final SubscriptionDeliveries deliveries;
    private final DeliveredFeedback delivered;
    /** Dates the feedback of a decision an operator replays (the referral state's own records take its clock). */
    private final Clock clock = Clock.systemUTC();

    public CounsellingDistribution(SubscriptionStore subscriptions, CounsellingTopics topics,
                                   SubscriptionDeliveries deliveries,
                                   DeliveredFeedback delivered) {
        this.subscriptions = subscriptions;
        this.topics = topics;
        this.deliveries = deliveries;
        this.delivered = delivered;
    }

    @Override
    public Routed route(ReferralEvent event, EligibilityDecision decision, ReferralRouting before, Instant now) {
        List<OutboundRecord> produced = new ArrayList<>();
        ReferralRouting after = distribute(event, decision, before, now, produced);
        return new Routed(after, produced);
    }

    /** The referrer learns each decision, held or not (it is its own information); a withdrawal follows its own
     * cancellation and is not echoed. */
    @Override
    public Optional<OutboundRecord> decisionFeedback(ReferralEvent event, EligibilityDecision decision, Instant now) {
        if (decision == null || decision.getKind() != DecisionKind.DECISION) {
            return Optional.empty();
        }
        return Optional.of(feedbackRecord(event, DecisionFeedback.of(decision, event.getSource().getPartnerEventId(),
                now)));
    }

    /**
     * Route step of {@code replay-eligibility-record}: after an operator replayed a decision that could not be made at
     * first, its DECISION feedback, to send to the referrer (the body becomes the feedback, addressed to its topic).
     * The exchange carries the decided event's tracing headers (hub.partner-id, hub.partner-event-id...).
     */
    public void replayedDecisionFeedback(Exchange exchange) {
        Message message = exchange.getMessage();
        EligibilityDecision decision = message.getBody(EligibilityDecision.class);
        // The replay's answer to the operator names the decision: kept beside the feedback that replaces the body.
        exchange.setProperty(REPLAYED_DECISION, decision);
        String partnerId = message.getHeader(RecordHeaders.PARTNER_ID, String.class);
        if (decision == null || partnerId == null || decision.getKind() != DecisionKind.DECISION) {
            message.setBody(null);
            return;
        }
        String partnerEventId = message.getHeader(RecordHeaders.PARTNER_EVENT_ID, String.class);
        message.setBody(DecisionFeedback.of(decision, partnerEventId, clock.instant()));
        message.setHeader(KafkaConstants.OVERRIDE_TOPIC, topics.feedbackTopic(partnerId));
        // Keyed by referral id like every feedback (the decision was keyed by the person's reference).
        message.setHeader(KafkaConstants.KEY, decision.getReferralId());
    }

    private ReferralRouting distribute(ReferralEvent event, EligibilityDecision eligibility, ReferralRouting before,
                                       Instant now, List<OutboundRecord> produced) {
        if (event.getEventType() == ReferralEventType.CANCELLED) {
            before.sentTo().forEach((subscriptionId, serviceId) -> produced.add(counsellingRecord(event,
                    subscriptionId, serviceId, ReferralEventType.CANCELLED, Set.of(), () -> null)));
            return before;
        }
        if (!Boolean.TRUE.equals(event.getPersonInformed())) {
            // Consent first: not even the services that already have the referral get this state of it.
            produced.add(heldFeedback(event, now));
            return before.held(true);
        }
        // Decided once, by the referral state, for the decisions topic and for this routing alike.
        Supplier<EligibilityDecision> decision = () -> eligibility;
        ReferralRouting after = before.held(false);
        for (Subscription subscription : subscriptions.active()) {
            String sentToService = before.sentTo().get(subscription.id());
            if (sentToService != null && !sentToService.equals(subscription.serviceId())) {
                // Re-pointed to another service since: the referral stays the first service's (its reports, its
                // cancellation), which no longer has a profile here, as for a deleted subscription; the new service
                // never received it, so an update would hand it a referral nobody sent it.
                continue;
            }
            boolean hadIt = sentToService != null;
            if (hadIt || subscription.criteria().matches(event, decision)) {
                OutboundRecord record = counsellingRecord(event, subscription.id(), subscription.serviceId(),
                        hadIt ? ReferralEventType.UPDATED : ReferralEventType.CREATED, subscription.profile(), decision);
                produced.add(record);
                boolean webhook = topics.webhookOutbox().equals(record.topic());
                if (!hadIt && !webhook) {
                    produced.add(deliveredFeedback(event, record, subscription.serviceId()));
                }
                if (!webhook) {
                    count(subscription.id(), SignedWebhookSender.DELIVERED);
                }
                after = after.sentAlsoTo(subscription.id(), subscription.serviceId(), now);
            }
        }
        // A subscription deleted (or re-pointed) since the referral was sent: no profile any more says what the
        // service may see of an update, so it only gets the cancellation, if one comes.
        return after;
    }

    private OutboundRecord counsellingRecord(ReferralEvent event, String subscriptionId, String serviceId,
                                             ReferralEventType seenAs, Set<CounsellingField> profile,
                                             Supplier<EligibilityDecision> decision) {
        // A WEBHOOK subscription's record goes to the outbox, keyed by subscription so its deliveries stay in order;
        // the webhook sender POSTs it. A subscription gone (or re-pointed) since keeps the Kafka topic of the service
        // that had the referral.
        boolean webhook = subscriptions.find(subscriptionId)
                // Re-pointed at another service since: its webhook is that service's, not this one's.
                .filter(s -> s.serviceId().equals(serviceId))
                .map(s -> s.deliveryMode() == Subscription.DeliveryMode.WEBHOOK).orElse(false);
        Map<String, String> headers = headers(event);
        headers.put(RecordHeaders.EVENT_TYPE, seenAs.name());
        headers.put(SUBSCRIPTION_ID, subscriptionId);
        if (webhook) {
            // In the outbox, not yet delivered: the webhook sender counts it once the receiver has it, and tells the
            // referrer (DELIVERED) then. Its referrer travels in headers of the outbox only, never on a service's topic
            // (the REFERRER profile decides whether a service sees it).
            headers.put(RecordHeaders.PARTNER_ID, event.getSource().getPartnerId());
            headers.put(RecordHeaders.PARTNER_EVENT_ID, event.getSource().getPartnerEventId());
            return new OutboundRecord(topics.webhookOutbox(), subscriptionId,
                    CounsellingProjection.project(event, subscriptionId, seenAs, profile, decision), headers);
        }
        return new OutboundRecord(topics.counsellingTopic(serviceId), event.getReferralId(),
                CounsellingProjection.project(event, subscriptionId, seenAs, profile, decision), headers);
    }

    /** The DELIVERED feedback of a first delivery to a KAFKA subscription, written with the counselling record. */
    private OutboundRecord deliveredFeedback(ReferralEvent event, OutboundRecord counsellingRecord, String serviceId) {
        String deliveryId = ((CounsellingReferral) counsellingRecord.value()).getDeliveryId();
        ReferralFeedback feedback = delivered.of(event.getReferralId(), event.getSource().getPartnerEventId(),
                event.getEventId(), deliveryId, serviceId);
        return feedbackRecord(event, feedback);
    }

    private OutboundRecord heldFeedback(ReferralEvent event, Instant now) {
        log.info("Referral {} held: the person was not informed (partner {})", event.getReferralId(),
                event.getSource().getPartnerId());
        ReferralFeedback feedback = ReferralFeedback.newBuilder()
                .setFeedbackId(UUID.nameUUIDFromBytes(("feedback:" + event.getEventId() + ":"
                        + FeedbackKind.HELD_NOT_INFORMED).getBytes(StandardCharsets.UTF_8)).toString())
                .setReferralId(event.getReferralId())
                .setPartnerEventId(event.getSource().getPartnerEventId())
                .setEventId(event.getEventId())
                .setKind(FeedbackKind.HELD_NOT_INFORMED)
                .setReasonCode(REASON_NOT_INFORMED)
                .setReasonText(REASON_NOT_INFORMED_TEXT)
                .setOccurredAt(now)
                .build();
        return feedbackRecord(event, feedback);
    }

    private OutboundRecord feedbackRecord(ReferralEvent event, ReferralFeedback feedback) {
        String partnerId = event.getSource().getPartnerId();
        Map<String, String> headers = headers(event);
        headers.put(RecordHeaders.PARTNER_ID, partnerId);
        headers.put(RecordHeaders.PARTNER_EVENT_ID, event.getSource().getPartnerEventId());
        return new OutboundRecord(topics.feedbackTopic(partnerId), event.getReferralId(), feedback, headers);
    }

    private static Map<String, String> headers(ReferralEvent event) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(RecordHeaders.REFERRAL_ID, event.getReferralId());
        headers.put(RecordHeaders.EVENT_ID, event.getEventId());
        return headers;
    }

    /**
     * Counted when routed: the record is written in the referral state's transaction, which commits within its commit
     * interval (a transaction that fails is run again and counted again).
     */
    private void count(String subscriptionId, String result) {
        deliveries.count(subscriptionId, result);
    }
}
