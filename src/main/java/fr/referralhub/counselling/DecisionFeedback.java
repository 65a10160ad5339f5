package fr.referralhub.counselling;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Collectors;

import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.FeedbackKind;
import fr.referralhub.avro.ReferralFeedback;

/**
 * The referrer's DECISION feedback on {@code feedback.<partnerId>}: one line per programme, its outcome and summary.
 * Written by the referral state in the transaction that decides the event ({@link CounsellingDistribution}), so the
 * referrer hears of each decision exactly once without a consumer reading every decision back (the route
 * decision-feedback did, at least once, until session 6); and by an operator's replay of a decision that could not be
 * made at first ({@link CounsellingDistribution#replayedDecisionFeedback}).
 */
final class DecisionFeedback {

    private DecisionFeedback() {
    }

    /** @param partnerEventId the referrer's id of the decided event (empty if unknown) */
    static ReferralFeedback of(EligibilityDecision decision, String partnerEventId, Instant now) {
        return ReferralFeedback.newBuilder()
                // Derived from the decision, as the feedback route did before: a referrer de-duplicates on it.
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
    }
}
