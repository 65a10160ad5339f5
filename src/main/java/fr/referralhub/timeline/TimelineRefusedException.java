package fr.referralhub.timeline;

import java.util.List;

import fr.referralhub.api.ProblemKind;
import fr.referralhub.api.RefusedRequestException;

/**
 * A timeline request the hub does not answer: unauthenticated (401), not the caller's referral (404), not ready (503).
 * Answered as application/problem+json by {@link TimelineReads#refused}, with the kind's fixed detail: the answer
 * never depends on whether the id exists.
 */
public class TimelineRefusedException extends RefusedRequestException {

    /** Why, which decides the HTTP status and the problem type. */
    public static final class Kind {
        public static final ProblemKind UNAUTHENTICATED = new ProblemKind(401, "unauthenticated",
                "Unknown partner or service");
        /** Unknown, or neither referred by the caller nor delivered to it: one answer, so ids cannot be probed. */
        public static final ProblemKind UNKNOWN_REFERRAL = new ProblemKind(404, "unknown-referral", "Unknown referral");

        private Kind() {
        }
    }

    private final String detail;

    private TimelineRefusedException(ProblemKind kind, String detail) {
        super(kind.title(), kind, List.of());
        this.detail = detail;
    }

    public static TimelineRefusedException unauthenticated() {
        return new TimelineRefusedException(Kind.UNAUTHENTICATED, "Send your partner's or counselling service's API key "
                + "as 'Authorization: Bearer <key>' (or 'X-API-Key: <key>').");
    }

    public static TimelineRefusedException unknownReferral() {
        return new TimelineRefusedException(Kind.UNKNOWN_REFERRAL,
                "No referral with this id was referred by you or delivered to you.");
    }

    public String detail() {
        return detail;
    }
}
