package fr.referralhub.status;

import java.util.List;

import fr.referralhub.api.FieldError;
import fr.referralhub.api.ProblemKind;
import fr.referralhub.api.RefusedRequestException;

/**
 * A status report the hub refuses, with its HTTP status and every field-level reason (answered as
 * application/problem+json by {@link StatusProblems}).
 */
public class StatusReportRefusedException extends RefusedRequestException {

    /** Why, which decides the HTTP status and the problem type. */
    public static final class Kind {
        public static final ProblemKind UNAUTHENTICATED = new ProblemKind(401, "unauthenticated-service",
                "Unknown counselling service");
        /** A partner's key: partners refer, services report. */
        public static final ProblemKind NOT_A_SERVICE = new ProblemKind(403, "not-a-counselling-service",
                "Not a counselling service");
        public static final ProblemKind TOO_LARGE = new ProblemKind(413, "status-report-too-large",
                "Status report too large");
        public static final ProblemKind MALFORMED = new ProblemKind(400, "malformed-status-report",
                "Malformed status report");
        public static final ProblemKind INVALID = new ProblemKind(422, "invalid-status-report", "Invalid status report");
        /** The referral is unknown, or was not delivered to this service: the same answer, to reveal nothing. */
        public static final ProblemKind UNKNOWN_REFERRAL = new ProblemKind(404, "unknown-referral", "Unknown referral");
        public static final ProblemKind IMPOSSIBLE_TRANSITION = new ProblemKind(422, "impossible-status-change",
                "Impossible status change");
        public static final ProblemKind CONFLICT = new ProblemKind(409, "conflicting-status-event",
                "Status event id already used for another report");

        private Kind() {
        }
    }

    public StatusReportRefusedException(ProblemKind kind, List<FieldError> errors) {
        super(kind.title() + (errors.isEmpty() ? "" : ": " + errors.get(0).field() + " " + errors.get(0).reason()),
                kind, errors);
    }

    public static StatusReportRefusedException of(ProblemKind kind, String field, String reason) {
        return new StatusReportRefusedException(kind, List.of(new FieldError(field, reason)));
    }
}
