package fr.referralhub.counselling;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;

import fr.referralhub.avro.FeedbackKind;
import fr.referralhub.avro.ReferralFeedback;
import org.springframework.stereotype.Component;

/**
 * The DELIVERED feedback: the referrer learns which counselling service a referral went to, once per (referral,
 * subscription) first delivery. Written by the distribution route for KAFKA subscriptions (in the batch of the
 * counselling record, so after the broker's acknowledgement) and by the webhook sender for WEBHOOK ones (only once
 * the receiver answered 2xx: a dead-lettered delivery did not reach the service).
 *
 * <p>Its id derives from the delivery id (itself from the event id and the subscription id): a batch consumed again,
 * or a webhook delivery sent again after a crash, gives the same feedbackId, on which referrers de-duplicate.
 */
@Component
public class DeliveredFeedback {

    static final String REASON_CODE = "DELIVERED";

    private final ServiceRegistry services;
    private final Clock clock = Clock.systemUTC();

    public DeliveredFeedback(ServiceRegistry services) {
        this.services = services;
    }

    /**
     * @param partnerEventId the referrer's id of the event delivered (its creation, or the update that first matched)
     * @param deliveryId     the counselling record's deliveryId
     */
    public ReferralFeedback of(String referralId, String partnerEventId, String eventId, String deliveryId,
                               String serviceId) {
        return ReferralFeedback.newBuilder()
                .setFeedbackId(feedbackId(deliveryId))
                .setReferralId(referralId)
                .setPartnerEventId(partnerEventId == null ? "" : partnerEventId)
                .setEventId(eventId)
                .setKind(FeedbackKind.DELIVERED)
                .setReasonCode(REASON_CODE)
                .setReasonText(text(serviceId))
                .setServiceId(serviceId)
                .setOccurredAt(clock.instant())
                .build();
    }

    public static String feedbackId(String deliveryId) {
        return UUID.nameUUIDFromBytes(("feedback:" + deliveryId + ":" + FeedbackKind.DELIVERED)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** In French, for the referrer's staff: the service's readable name when the registry knows it, and its id. */
    String text(String serviceId) {
        String named = services.find(serviceId).map(CounsellingService::name).filter(n -> !n.isBlank())
                .map(name -> "« " + name + " » (" + serviceId + ")").orElse("« " + serviceId + " »");
        return "Orientation transmise au service d'accompagnement " + named + ".";
    }
}
