package fr.referralhub.counselling;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.FeedbackKind;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.state.OutboundRecord;
import fr.referralhub.topics.RecordHeaders;

/**
 * The referrer's DECISION feedback on {@code feedback.<partnerId>}: one line per programme, its outcome and summary.
 * Routed with the event, in the referral state's transaction that decides it, so the referrer hears of each decision
 * exactly once, without a second consumer reading every decision back (the route decision-feedback did, at least
 * once, until session 6).
 */
final class DecisionFeedback {

    private DecisionFeedback() {
    }

    /**
     * @param feedbackTopic  the referrer's feedback topic
     * @param partnerId      the referrer
     * @param partnerEventId the referrer's id of the decided event
     */
    static OutboundRecord of(String feedbackTopic, EligibilityDecision decision, String partnerId,
                             String partnerEventId, Instant now) {
        ReferralFeedback feedback = ReferralFeedback.newBuilder()
                // Derived from the decision (as the feedback route did before): a referrer de-duplicates on it.
                .setFeedbackId(UUID.nameUUIDFromBytes(("feedback:" + decision.getDecisionId() + ":"
                        + FeedbackKind.DECISION).getBytes(StandardCharsets.UTF_8)).toString())
                .setReferralId(decision.getReferralId())
                .setPartnerEventId(partnerEventId == null ? "" : partnerEventId)
                .setEventId(decision.getReferralEventId())
                .setKind(FeedbackKind.DECISION)
                .setReasonText(decision.getProgrammes().stream()
                        .map(p -> p.getProgramme() + " : " + p.getOutcome() + ". " + p.getSummary())
                        .collect(Collectors.joining("\n")))
                .setOccurredAt(now)
                .build();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(RecordHeaders.REFERRAL_ID, decision.getReferralId());
        headers.put(RecordHeaders.PARTNER_ID, partnerId);
        if (partnerEventId != null) {
            headers.put(RecordHeaders.PARTNER_EVENT_ID, partnerEventId);
        }
        return new OutboundRecord(feedbackTopic, decision.getReferralId(), feedback, headers);
    }
}
