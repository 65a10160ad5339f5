package fr.referralhub.state;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import fr.referralhub.avro.ReferralStatus;

/**
 * What the referral state knows of a referral, as the instance that owns it answers: who referred it, by which of its
 * events, whether the referrer cancelled it, and its status at each counselling service that reported. No personal
 * data: it may travel between hub instances.
 *
 * @param partnerId       the referring partner: who is told of the referral's statuses and may read its timeline
 * @param creationEventId the partner's id of the creation event: the id the referrer knows the referral by
 * @param statuses        service id to the referral's status there, for the services that reported or expired
 * @param deliveredTo     the counselling services the referral was delivered to: who may report on it and read it
 * @param history         its timeline, oldest first (ids, kinds, times, statuses and reasons; no personal data)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReferralSummary(String referralId, String partnerId, String creationEventId, boolean cancelled,
                              Map<String, String> statuses, List<String> deliveredTo, List<TimelineEntry> history) {

    public ReferralSummary {
        statuses = statuses == null ? Map.of() : Map.copyOf(statuses);
        deliveredTo = deliveredTo == null ? List.of() : List.copyOf(deliveredTo);
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** The status at a service: REQUESTED until the service reports anything (if it was delivered there). */
    public ReferralStatus statusAt(String serviceId) {
        return ReferralStatus.valueOf(statuses.getOrDefault(serviceId, ReferralStatus.REQUESTED.name()));
    }

    static ReferralSummary of(String referralId, LedgerEntry entry, List<TimelineEntry> history) {
        return new ReferralSummary(referralId, entry.partnerId(), entry.creationEventId(), entry.cancelled(),
                entry.statuses(), List.copyOf(entry.routingOf(referralId).services()), history);
    }
}
