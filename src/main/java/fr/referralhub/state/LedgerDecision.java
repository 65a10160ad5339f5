package fr.referralhub.state;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The referral ledger's answer to one submission, on {@code intake-decisions.v1}. No personal data: ids and a reason.
 *
 * @param correlationId the submission's {@code hub.correlation-id}
 * @param referralId    the referral the event belongs to
 * @param reason        why a refusal, in words the partner can act on; null when accepted or a duplicate
 * @param change        for a status report or an expiry: the change in force for its status event (the new one, or
 *                      the earlier one a re-send repeats); null otherwise
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LedgerDecision(String correlationId, String referralId, Outcome outcome, String reason,
                             StatusChangeSummary change) {

    public LedgerDecision(String correlationId, String referralId, Outcome outcome, String reason) {
        this(correlationId, referralId, outcome, reason, null);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Outcome {
        /** New: published (to referrals.v1, or referral-status-changes.v1) in the same transaction as this answer. */
        ACCEPTED,
        /** This partner event (or status event) was published before, with the same content: nothing published again. */
        DUPLICATE,
        /** This partner event id was published before with other content. */
        CONFLICT,
        /** An update or cancellation of a referral the ledger does not know (never created, or forgotten after 730 days). */
        UNKNOWN_REFERRAL,
        /** An update or cancellation of a referral its referrer cancelled. */
        CANCELLED_REFERRAL,
        /** A status report the referral's life cycle does not allow from its current status (reason says why). */
        IMPOSSIBLE_TRANSITION,
        /** The submission lacked what the ledger needs (never sent by a hub instance). */
        UNREADABLE
    }

    byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LedgerDecision fromJson(byte[] json) {
        try {
            return JSON.readValue(json, LedgerDecision.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable ledger decision", e);
        }
    }
}
