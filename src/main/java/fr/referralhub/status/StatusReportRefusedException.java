package fr.referralhub.status;

import java.util.List;

import fr.referralhub.intake.FieldError;

/**
 * A status report the hub refuses, with its HTTP status and every field-level reason (answered as
 * application/problem+json by {@link StatusProblems}).
 */
public class StatusReportRefusedException extends RuntimeException {

    /** Why, which decides the HTTP status and the problem type. */
    public enum Kind {
        UNAUTHENTICATED(401, "unauthenticated-service", "Unknown counselling service"),
        /** A partner's key: partners refer, services report. */
        NOT_A_SERVICE(403, "not-a-counselling-service", "Not a counselling service"),
        TOO_LARGE(413, "status-report-too-large", "Status report too large"),
        MALFORMED(400, "malformed-status-report", "Malformed status report"),
        INVALID(422, "invalid-status-report", "Invalid status report"),
        /** The referral is unknown, or was not delivered to this service: the same answer, to reveal nothing. */
        UNKNOWN_REFERRAL(404, "unknown-referral", "Unknown referral"),
        IMPOSSIBLE_TRANSITION(422, "impossible-status-change", "Impossible status change"),
        CONFLICT(409, "conflicting-status-event", "Status event id already used for another report");

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

    public StatusReportRefusedException(Kind kind, List<FieldError> errors) {
        super(kind.title() + (errors.isEmpty() ? "" : ": " + errors.get(0).field() + " " + errors.get(0).reason()));
        this.kind = kind;
        this.errors = List.copyOf(errors);
    }

    public static StatusReportRefusedException of(Kind kind, String field, String reason) {
        return new StatusReportRefusedException(kind, List.of(new FieldError(field, reason)));
    }

    public Kind kind() {
        return kind;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
