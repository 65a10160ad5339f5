package fr.referralhub.topics;

/**
 * Kafka headers the hub writes on canonical records. They let views of {@code referrals.v1} (intake.PartnerHistory)
 * read it without decoding values, and let operators trace a record back to the partner event.
 * None of them holds personal data.
 */
public final class RecordHeaders {

    public static final String PARTNER_ID = "hub.partner-id";
    public static final String PARTNER_EVENT_ID = "hub.partner-event-id";
    public static final String REFERRAL_ID = "hub.referral-id";
    public static final String EVENT_ID = "hub.event-id";
    public static final String EVENT_TYPE = "hub.event-type";
    /** What the record key (the person reference) was derived from: NIR, FRANCE_TRAVAIL_ID_AND_BIRTH_DATE, NONE. */
    public static final String PERSON_REFERENCE_BASIS = "hub.person-reference-basis";
    /**
     * What the partner said in this event, as {@code <schema fingerprint>:<SHA-256>} of its canonical fields (the
     * person by its keyed pseudonym, never a NIR): a re-sent event id with other content is told from a plain re-send.
     */
    public static final String CONTENT_HASH = "hub.content-hash";

    private RecordHeaders() {
    }
}
