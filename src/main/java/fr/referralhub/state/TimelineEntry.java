package fr.referralhub.state;

/**
 * One line of a referral's history, kept in its entry of the referral state ({@link LedgerEntry#history()}): what the
 * referrer did (its events) and what it was told (its feedback topic). No personal data is ever copied here.
 *
 * @param sourceId       64-bit hash of the record's own id (eventId of a referral event, feedbackId of a feedback):
 *                       a record read twice (re-sent feedback) adds no second line
 * @param atMillis       when the hub recorded it (UTC epoch millis): receivedAt of referral events, occurredAt of
 *                       feedback (the hub's clock in both cases, so lines of different topics sort consistently)
 * @param what           CREATED, UPDATED, CANCELLED (referral events) or the feedback kind's name as written
 *                       (HELD_NOT_INFORMED, DELIVERED, STATUS_CHANGED, DECISION, REMINDER, EXPIRED, or a later one)
 * @param partnerId      the referrer, on referral events; null otherwise
 * @param partnerEventId the referrer's own id of the event, on referral events; null otherwise
 * @param partnerMillis  when the referrer says the event happened (its clock), on referral events; 0 otherwise
 * @param serviceId      the counselling service concerned, when there is one
 * @param status         the new status at that service (STATUS_CHANGED), else null
 * @param reasonCode     why: a stable code (rejection, hold, cancellation by the referrer...), or null
 * @param reasonText     why in French, for the referrer's staff, or null
 */
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
public record TimelineEntry(long sourceId, long atMillis, String what, String partnerId, String partnerEventId,
                            long partnerMillis, String serviceId, String status, String reasonCode, String reasonText) {

    /** Kinds of lines (the ones the hub writes today; unknown later ones are kept under their own name). */
    public static final String CREATED = "CREATED";
    public static final String UPDATED = "UPDATED";
    public static final String CANCELLED = "CANCELLED";
    public static final String HELD_NOT_INFORMED = "HELD_NOT_INFORMED";
    public static final String DELIVERED = "DELIVERED";
    public static final String STATUS_CHANGED = "STATUS_CHANGED";
    public static final String DECISION = "DECISION";
    public static final String REMINDER = "REMINDER";
    public static final String EXPIRED = "EXPIRED";

    /** A referral event of the referrer (CREATED, UPDATED, CANCELLED), as opposed to something the hub or a service did. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isReferrersEvent() {
        return partnerId != null;
    }

    /** FNV-1a, 64 bits: enough to tell a referral's few records apart, in 8 bytes instead of a 36-character id. */
    static long idHash(String id) {
        if (id == null) {
            throw new IllegalArgumentException("a timeline record needs its own id");
        }
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            hash ^= id.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
