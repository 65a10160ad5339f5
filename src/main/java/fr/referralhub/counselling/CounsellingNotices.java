package fr.referralhub.counselling;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import fr.referralhub.avro.CounsellingNotice;
import fr.referralhub.avro.CounsellingReferral;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.topics.RecordHeaders;
import fr.referralhub.state.OutboundRecord;
import fr.referralhub.state.ReferralRouting;
import org.springframework.stereotype.Component;

/**
 * Notices of the hub to a counselling service about a referral it already has (REMINDER: nobody acted yet; EXPIRED:
 * nobody acted in time). A notice is a {@link CounsellingReferral} with {@code notice} set and no referral content
 * (eventType UPDATED, empty profile, every content field null: "nothing shared"), so it travels where the service's
 * referrals travel: its topic {@code counselling.<serviceId>}, or the webhook outbox for a WEBHOOK subscription (the
 * webhook sender signs and POSTs it like any record).
 */
@Component
public class CounsellingNotices {

    /** Header of a notice record: REMINDER or EXPIRED (absent on referral records), for consumers that route on headers. */
    public static final String NOTICE = "hub.notice";

    private final SubscriptionStore subscriptions;
    private final CounsellingTopics topics;

    public CounsellingNotices(SubscriptionStore subscriptions, CounsellingTopics topics) {
        this.subscriptions = subscriptions;
        this.topics = topics;
    }

    /** The notice's own id (also the eventId it carries): the same notice of the same referral keeps it. */
    public static String noticeId(CounsellingNotice notice, String referralId) {
        return UUID.nameUUIDFromBytes(("notice:" + notice + ":" + referralId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * One record per subscription of these services the referral was sent to (a service with two subscriptions that
     * both had it gets one per subscription, as for its referrals), bound for where that subscription gets its records.
     */
    public List<OutboundRecord> notices(ReferralRouting routing, CounsellingNotice notice, Instant now,
                                        Set<String> serviceIds) {
        return routing.sentTo().entrySet().stream().filter(sent -> serviceIds.contains(sent.getValue()))
                .map(sent -> notice(routing.referralId(), sent.getKey(), sent.getValue(), notice, now))
                .toList();
    }

    private OutboundRecord notice(String referralId, String subscriptionId, String serviceId, CounsellingNotice notice,
                                  Instant now) {
        String noticeId = noticeId(notice, referralId);
        CounsellingReferral record = CounsellingReferral.newBuilder()
                .setDeliveryId(CounsellingProjection.deliveryIdFor(noticeId, subscriptionId))
                .setSubscriptionId(subscriptionId)
                .setReferralId(referralId)
                .setEventId(noticeId)
                .setEventType(ReferralEventType.UPDATED)
                .setOccurredAt(now)
                .setProfile(List.of())
                .setNotice(notice)
                .build();
        // As CounsellingDistribution routes records: a WEBHOOK subscription's go to the outbox keyed by subscription
        // (one ordered lane each); a subscription gone since, to its service's topic.
        boolean webhook = subscriptions.find(subscriptionId)
                .map(s -> s.deliveryMode() == Subscription.DeliveryMode.WEBHOOK).orElse(false);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(RecordHeaders.REFERRAL_ID, referralId);
        headers.put(RecordHeaders.EVENT_ID, noticeId);
        headers.put(RecordHeaders.EVENT_TYPE, ReferralEventType.UPDATED.name());
        headers.put(NOTICE, notice.name());
        headers.put(CounsellingDistribution.SUBSCRIPTION_ID, subscriptionId);
        return new OutboundRecord(webhook ? topics.webhookOutbox() : topics.counsellingTopic(serviceId),
                webhook ? subscriptionId : referralId, record, headers);
    }
}
