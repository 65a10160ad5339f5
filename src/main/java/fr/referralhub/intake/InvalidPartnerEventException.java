package fr.referralhub.intake;

import java.util.List;

/**
 * A partner event the hub refuses, with every field-level reason at once so the partner can fix them together.
 * Messages never quote personal data (a NIR is described, not repeated).
 */
public class InvalidPartnerEventException extends RuntimeException {

    /** The kind of refusal, which decides the HTTP status and the problem type. */
    public enum Kind {
        /** Not readable at all: not JSON, truncated, invalid UTF-8, wrong types. */
        MALFORMED(400, "malformed-event", "Malformed partner event"),
        /** Readable, but values break the contract: missing fields, bad codes, impossible dates. */
        INVALID(422, "invalid-event", "Invalid partner event"),
        /** Valid, but refers to a referral the hub does not know. */
        UNKNOWN_REFERRAL(422, "unknown-referral", "Unknown referral"),
        /** The event id was already received with other content: one event id names one event. */
        CONFLICT(409, "conflicting-event", "Event id already used for another content"),
        /** Too large to be one event. */
        TOO_LARGE(413, "event-too-large", "Partner event too large");

        private final int status;
        private final String type;
        private final String title;

        Kind(int status, String type, String title) {
            this.status = status;
            this.type = type;
            this.title = title;
        }

        public int status() {
            return status;
        }

        public String type() {
            return type;
        }

        public String title() {
            return title;
        }
    }

    private final Kind kind;
    private final transient List<FieldError> errors;

    public InvalidPartnerEventException(Kind kind, List<FieldError> errors) {
        super(kind.title() + ": " + errors.size() + " problem(s), first: " + errors.get(0).field() + " "
                + errors.get(0).reason());
        this.kind = kind;
        this.errors = List.copyOf(errors);
    }

    public Kind kind() {
        return kind;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
