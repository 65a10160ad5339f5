package fr.referralhub.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the referral ledger keeps of one referral, under its referral id: who created it, the person it is about (by
 * pseudonym), whether it was cancelled, and each partner event published for it. A referral has a handful of events,
 * so they live in its entry rather than in a second store.
 *
 * <p>Stored as JSON: the changelog topic stays readable by an operator, and fields added later are ignored by older
 * instances during a rolling upgrade.
 *
 * @param partnerId       the partner that created the referral (its referrer)
 * @param creationEventId the partner's id of the creation event (the id the referrer knows the referral by)
 * @param events          partner event id to what was published for it
 * @param lastActivity    epoch milliseconds of the last event: the entry leaves the store 730 days after it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record LedgerEntry(String partnerId, String creationEventId, String personReference, String personReferenceBasis,
                   boolean cancelled, Map<String, PublishedEvent> events, long lastActivity) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param type        CREATED, UPDATED or CANCELLED
     * @param contentHash the event's {@code hub.content-hash}: a re-send with other content is a conflict
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record PublishedEvent(String type, String contentHash) {
    }

    static LedgerEntry created(String partnerId, String creationEventId, String personReference, String basis,
                               String contentHash, long now) {
        Map<String, PublishedEvent> events = new LinkedHashMap<>();
        events.put(creationEventId, new PublishedEvent("CREATED", contentHash));
        return new LedgerEntry(partnerId, creationEventId, personReference, basis, false, events, now);
    }

    LedgerEntry with(String partnerEventId, String type, String contentHash, long now) {
        Map<String, PublishedEvent> more = new LinkedHashMap<>(events);
        more.put(partnerEventId, new PublishedEvent(type, contentHash));
        return new LedgerEntry(partnerId, creationEventId, personReference, personReferenceBasis,
                cancelled || "CANCELLED".equals(type), more, now);
    }

    byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LedgerEntry fromJson(byte[] json) {
        try {
            return JSON.readValue(json, LedgerEntry.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable referral ledger entry", e);
        }
    }
}
