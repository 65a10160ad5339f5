package fr.referralhub.expiry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import fr.referralhub.avro.CounsellingNotice;
import fr.referralhub.avro.FeedbackKind;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.counselling.CounsellingNotices;
import fr.referralhub.counselling.CounsellingTopics;
import fr.referralhub.counselling.ServiceRegistry;
import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.state.ExpiryPolicy;
import fr.referralhub.state.OutboundRecord;
import fr.referralhub.state.ReferralRouting;
import fr.referralhub.state.ReferralSummary;
import fr.referralhub.state.StatusMachine;
import fr.referralhub.topics.RecordHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Reminds, then expires, the referrals no counselling service has acted on (DOMAIN.md: Dora reminds after 10 days and
 * expires after 30).
 *
 * <p>A referral is considered when it was delivered to at least one service, the referrer has not cancelled it, and
 * every service it went to is still REQUESTED or RECEIVED ({@link StatusMachine#WAITING}). RECEIVED does not count as
 * acting: it only acknowledges that the service has the referral (often automatically), while Dora's rule is about
 * services that did not answer; any decision (ACCEPTED, REJECTED, ON_HOLD...) by any service takes the referral out
 * of expiry for good. Delays count from the referral's first delivery ({@link ReferralRouting#firstDeliveredAt()}).
 *
 * <ul>
 * <li>After {@code hub.expiry.reminder-after}, once: the referrer gets a REMINDER feedback on
 * {@code feedback.<partnerId>}, each service a REMINDER notice ({@link CounsellingNotices}).</li>
 * <li>After {@code hub.expiry.expire-after}: each service gets an EXPIRED notice, and every waiting pair becomes
 * EXPIRED on referral-status-changes.v1 (channel HUB); the referrer's EXPIRED feedback follows from those changes
 * (routes/status-feedback).</li>
 * </ul>
 * The referral state of the instance that owns the referral checks every {@code hub.expiry.sweep-interval} and writes
 * these records in the transaction that stores the reminder or the expiry: each is sent once, and a check that fails
 * midway sends nothing (made again after a broker or registry outage; for a defect, logged and left out of expiry).
 */
@Component("referralExpiry")
public class ReferralExpiry implements ExpiryPolicy {

    private final ExpiryProperties properties;
    private final CounsellingNotices notices;
    private final CounsellingTopics topics;
    private final MeterRegistry meters;
    /**
     * Partition to the hub's time its last check looked up to, for the partitions this instance owns now (a task that
     * leaves is {@link #released}): bounded by the partition count, not by history, and not state to restore (a new
     * owner reports its own checks).
     */
    private final Map<Integer, Instant> checkedUpTo = new ConcurrentHashMap<>();

    public ReferralExpiry(ExpiryProperties properties, CounsellingNotices notices, CounsellingTopics topics,
                          MeterRegistry meters, java.time.Clock clock, PartnerRegistry partners,
                          ServiceRegistry services) {
        this.properties = properties;
        this.notices = notices;
        this.topics = topics;
        this.meters = meters;
        // An operator sees checks stop (a stuck stream thread) before referrals pile up unreminded.
        Gauge.builder("hub.expiry.check.age.seconds", () -> checkedUpTo.isEmpty() ? 0
                        : Duration.between(oldestCheck(), clock.instant()).toSeconds())
                .description("Seconds since the least recent expiry check of this instance's partitions (0 before any)")
                .register(meters);
        // Every known referrer and service has its series from start-up at 0: the dashboard's expiry panel shows 0,
        // not "no data", and the first reminder after a restart is an increase Prometheus sees.
        for (Partner partner : partners.all()) {
            reminders(partner.id());
        }
        services.all().forEach(service -> expirations(service.id()));
    }

    @Override
    public Delays delays() {
        return new Delays(properties.enabled(), properties.reminderAfter(), properties.expireAfter(),
                properties.sweepInterval());
    }

    @Override
    public List<OutboundRecord> reminder(ReferralRouting routing, ReferralSummary referral, Set<String> services,
                                         Instant now) {
        List<OutboundRecord> records = new ArrayList<>();
        if (referral.partnerId() != null) {
            records.add(reminderFeedback(routing.referralId(), referral, now));
        }
        records.addAll(notices.notices(routing, CounsellingNotice.REMINDER, now, services));
        return records;
    }

    @Override
    public List<OutboundRecord> expiryNotices(ReferralRouting routing, Set<String> services, Instant now) {
        return notices.notices(routing, CounsellingNotice.EXPIRED, now, services);
    }

    @Override
    public void reminded(String partnerId) {
        reminders(partnerId == null ? "unknown" : partnerId).increment();
    }

    @Override
    public void expired(String serviceId) {
        expirations(serviceId).increment();
    }

    private Counter reminders(String partnerId) {
        return counter("hub.expiry.reminders", "Referrals reminded because no counselling service acted on them",
                "partner", partnerId);
    }

    private Counter expirations(String serviceId) {
        return counter("hub.expiry.expirations", "(Referral, service) pairs expired because nobody acted in time",
                "service", serviceId);
    }

    @Override
    public void checked(int partition, Instant upTo) {
        checkedUpTo.put(partition, upTo);
    }

    @Override
    public void released(int partition) {
        checkedUpTo.remove(partition);
    }

    /** The hub's time up to which every partition this instance checked was looked at (EPOCH before any check). */
    public Instant oldestCheck() {
        return checkedUpTo.values().stream().min(Instant::compareTo).orElse(Instant.EPOCH);
    }

    private OutboundRecord reminderFeedback(String referralId, ReferralSummary referrer, Instant now) {
        String reminderId = CounsellingNotices.noticeId(CounsellingNotice.REMINDER, referralId);
        ReferralFeedback feedback = ReferralFeedback.newBuilder()
                .setFeedbackId(UUID.nameUUIDFromBytes(("feedback:" + reminderId + ":" + FeedbackKind.REMINDER)
                        .getBytes(StandardCharsets.UTF_8)).toString())
                .setReferralId(referralId)
                .setPartnerEventId(referrer.creationEventId())
                .setEventId(reminderId)
                .setKind(FeedbackKind.REMINDER)
                .setReasonCode("SANS_REPONSE")
                .setReasonText(reminderText())
                .setOccurredAt(now)
                .build();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(RecordHeaders.REFERRAL_ID, referralId);
        headers.put(RecordHeaders.PARTNER_ID, referrer.partnerId());
        headers.put(RecordHeaders.PARTNER_EVENT_ID, referrer.creationEventId());
        return new OutboundRecord(topics.feedbackTopic(referrer.partnerId()), referralId, feedback, headers);
    }

    /** The referrer's staff read it: how long it has waited, that the services were reminded, when it expires. */
    String reminderText() {
        return "Relance : aucun service d'accompagnement n'a encore donné suite à cette orientation, envoyée il y a "
                + days(properties.reminderAfter()) + ". Les services ont été relancés ; sans réponse de leur part, "
                + "l'orientation expirera " + days(properties.expireAfter()) + " après son envoi.";
    }

    private static String days(Duration duration) {
        long days = duration.toDays();
        if (days >= 1) {
            return days + (days == 1 ? " jour" : " jours");
        }
        long hours = Math.max(1, duration.toHours());
        return hours + (hours == 1 ? " heure" : " heures");
    }

    private Counter counter(String name, String description, String tag, String value) {
        return Counter.builder(name).description(description).tag(tag, value).register(meters);
    }
}
