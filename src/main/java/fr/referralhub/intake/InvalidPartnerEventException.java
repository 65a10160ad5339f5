package fr.referralhub.intake;

import java.util.List;

import fr.referralhub.api.FieldError;
import fr.referralhub.api.ProblemKind;
import fr.referralhub.api.RefusedRequestException;

/**
 * A partner event the hub refuses, with every field-level reason at once so the partner can fix them together.
 * Messages never quote personal data (a NIR is described, not repeated).
 */
public class InvalidPartnerEventException extends RefusedRequestException {

    /** The kinds of refusal, which decide the HTTP status and the problem type. */
    public static final class Kind {
        /** Not readable at all: not JSON, truncated, invalid UTF-8, wrong types. */
        public static final ProblemKind MALFORMED = new ProblemKind(400, "malformed-event", "Malformed partner event");
        /** Readable, but values break the contract: missing fields, bad codes, impossible dates. */
        public static final ProblemKind INVALID = new ProblemKind(422, "invalid-event", "Invalid partner event");
        /** Valid, but refers to a referral the hub does not know. */
        public static final ProblemKind UNKNOWN_REFERRAL = new ProblemKind(422, "unknown-referral", "Unknown referral");
        /** The event id was already received with other content: one event id names one event. */
        public static final ProblemKind CONFLICT = new ProblemKind(409, "conflicting-event",
                "Event id already used for another content");
        /** Too large to be one event. */
        public static final ProblemKind TOO_LARGE = new ProblemKind(413, "event-too-large", "Partner event too large");

        /** Every kind, for the published contract. */
        public static final List<ProblemKind> ALL = List.of(MALFORMED, INVALID, UNKNOWN_REFERRAL, CONFLICT, TOO_LARGE);

        private Kind() {
        }
    }

    public InvalidPartnerEventException(ProblemKind kind, List<FieldError> errors) {
        super(kind.title() + ": " + errors.size() + " problem(s), first: " + errors.get(0).field() + " "
                + errors.get(0).reason(), kind, errors);
    }
}
