package fr.referralhub.state;

/**
 * Why the ledger refused a partner event that was answered on receipt ({@code Prefer: respond-async}): the reason of
 * its dead letter, where the partner's operators and the hub's find it. Its message starts with the outcome
 * ({@code CONFLICT}, {@code UNKNOWN_REFERRAL}...), then the ledger's reason.
 */
public class RefusedSubmissionException extends RuntimeException {

    RefusedSubmissionException(LedgerDecision decision) {
        super(decision.outcome() + ": " + decision.reason(), null, false, false);
    }
}
