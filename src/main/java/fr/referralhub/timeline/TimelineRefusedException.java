package fr.referralhub.timeline;

/** A timeline request the hub does not answer: unauthenticated (401), not the caller's referral (404), not ready (503). */
public class TimelineRefusedException extends RuntimeException {

    /** Why, which decides the HTTP status and the problem type. */
    public enum Kind {
        UNAUTHENTICATED(401, "unauthenticated", "Unknown partner or service",
                "Send your partner's or counselling service's API key as 'Authorization: Bearer <key>' (or 'X-API-Key: <key>')."),
        /** Unknown, or neither referred by the caller nor delivered to it: one answer, so ids cannot be probed. */
        UNKNOWN_REFERRAL(404, "unknown-referral", "Unknown referral",
                "No referral with this id was referred by you or delivered to you."),
        /** The timelines stopped following Kafka: an answer could miss what happened since. */
        UNAVAILABLE(503, "hub-unavailable", "Hub temporarily unavailable",
                "The referral timelines are not following Kafka at the moment. Retry later.");

        private final int status;
        private final String type;
        private final String title;
        private final String detail;

        Kind(int status, String type, String title, String detail) {
            this.status = status;
            this.type = type;
            this.title = title;
            this.detail = detail;
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

        public String detail() {
            return detail;
        }
    }

    private final Kind kind;

    public TimelineRefusedException(Kind kind) {
        super(kind.title());
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
