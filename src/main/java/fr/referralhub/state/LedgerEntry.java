package fr.referralhub.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * What the referral ledger keeps of one referral, under its referral id: who created it, the person it is about (by
 * pseudonym), whether it was cancelled, and each partner event published for it. A referral has a handful of events,
 * so they live in its entry rather than in a second store. Its timeline lines, which grow with every feedback, do not:
 * they are in the {@link TimelineStore}, so that adding one does not rewrite the entry.
 *
 * <p>Stored as JSON: the changelog topic stays readable by an operator, and fields added later are ignored by older
 * instances during a rolling upgrade.
 *
 * @param partnerId       the partner that created the referral (its referrer)
 * @param creationEventId the partner's id of the creation event (the id the referrer knows the referral by)
 * @param events          partner event id to what was published for it
 * @param lastActivity    epoch milliseconds of the last event or status change: the entry leaves the store 730 days
 *                        after it
 * @param statuses        service id to the referral's status there (absent: REQUESTED, if it was delivered there)
 * @param statusEvents    {@link #statusEventKey} to the change a service's status event made: a re-sent report gets
 *                        the same answer
 * @param routing         where the referral went (counselling subscriptions), whether it is held, its reminder
 * @param history         timeline lines an earlier version of the hub kept here; lines are now added to the
 *                        {@link TimelineStore} only, and reads show both
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record LedgerEntry(String partnerId, String creationEventId, String personReference, String personReferenceBasis,
                   boolean cancelled, Map<String, PublishedEvent> events, long lastActivity,
                   Map<String, String> statuses, Map<String, StatusChangeSummary> statusEvents,
                   ReferralRouting routing,
                   @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TimelineEntry> history,
                   @JsonInclude(JsonInclude.Include.NON_EMPTY) List<RememberedAid> rememberedAids) {

    LedgerEntry {
        statuses = statuses == null ? Map.of() : statuses;
        statusEvents = statusEvents == null ? Map.of() : statusEvents;
        history = history == null ? List.of() : history;
        rememberedAids = rememberedAids == null ? List.of() : rememberedAids;
    }

    /** Times as ISO-8601 text, readable on the changelog topic. */
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

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
        return new LedgerEntry(partnerId, creationEventId, personReference, basis, false, events, now, Map.of(),
                Map.of(), null, List.of(), List.of());
    }

    LedgerEntry with(String partnerEventId, String type, String contentHash, long now) {
        Map<String, PublishedEvent> more = new LinkedHashMap<>(events);
        more.put(partnerEventId, new PublishedEvent(type, contentHash));
        return new LedgerEntry(partnerId, creationEventId, personReference, personReferenceBasis,
                cancelled || "CANCELLED".equals(type), more, now, statuses, statusEvents, routing, history,
                rememberedAids);
    }

    /** Where the referral went: {@link ReferralRouting#none} before any routing. */
    ReferralRouting routingOf(String referralId) {
        return routing == null ? ReferralRouting.none(referralId) : routing;
    }

    LedgerEntry withRouting(ReferralRouting changed) {
        return new LedgerEntry(partnerId, creationEventId, personReference, personReferenceBasis, cancelled, events,
                lastActivity, statuses, statusEvents, changed, history, rememberedAids);
    }

    /** What the person history holds for this referral, to replace or delete at its next decision or when forgotten. */
    LedgerEntry withRememberedAids(List<RememberedAid> aids) {
        return new LedgerEntry(partnerId, creationEventId, personReference, personReferenceBasis, cancelled, events,
                lastActivity, statuses, statusEvents, routing, history, List.copyOf(aids));
    }

    /** The referral's status at a service: REQUESTED until the service reports anything. */
    String statusAt(String serviceId) {
        return statuses.getOrDefault(serviceId, "REQUESTED");
    }

    LedgerEntry withStatusChange(StatusChangeSummary change, long now) {
        Map<String, String> moreStatuses = new LinkedHashMap<>(statuses);
        moreStatuses.put(change.serviceId(), change.status());
        Map<String, StatusChangeSummary> moreEvents = new LinkedHashMap<>(statusEvents);
        moreEvents.put(statusEventKey(change.serviceId(), change.statusEventId()), change);
        return new LedgerEntry(partnerId, creationEventId, personReference, personReferenceBasis, cancelled, events,
                now, moreStatuses, moreEvents, routing, history, rememberedAids);
    }

    static String statusEventKey(String serviceId, String statusEventId) {
        return serviceId + '\u0001' + statusEventId;
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
