package fr.referralhub.expiry;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import fr.referralhub.avro.CounsellingNotice;
import fr.referralhub.avro.FeedbackKind;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.counselling.CounsellingNotices;
import fr.referralhub.counselling.CounsellingTopics;
import fr.referralhub.counselling.ReferralRouting;
import fr.referralhub.counselling.ReferralRoutings;
import fr.referralhub.state.ReferralSummary;
import fr.referralhub.state.ReferralStateReads;
import fr.referralhub.state.StatusMachine;
import fr.referralhub.status.StatusReports;
import fr.referralhub.topics.RecordHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Route steps of {@code routes/referral-expiry.camel.yaml}: reminds, then expires, the referrals no counselling service
 * has acted on (DOMAIN.md: Dora reminds after 10 days and expires after 30).
 *
 * <p>A referral is considered when it was delivered to at least one service, the referrer has not cancelled it, and
 * every service it went to is still REQUESTED or RECEIVED ({@link StatusMachine#WAITING}). RECEIVED does not count as
 * acting: it only acknowledges that the service has the referral (often automatically), while Dora's rule is about
 * services that did not answer; any decision (ACCEPTED, REJECTED, ON_HOLD...) by any service takes the referral out
 * of expiry for good. Delays count from the referral's first delivery ({@link ReferralRouting#firstDeliveredAt()}).
 *
 * <ul>
 * <li>After {@code hub.expiry.reminder-after}, once: the referrer gets a REMINDER feedback on
 * {@code feedback.<partnerId>}, each service a REMINDER notice ({@link CounsellingNotices}); then the reminder's time
 * is stored on the routing, so neither a later sweep nor a restarted hub sends it again.</li>
 * <li>After {@code hub.expiry.expire-after}: each service gets an EXPIRED notice, then every waiting pair becomes
 * EXPIRED through {@link StatusReports#expire} (channel HUB); the referrer's EXPIRED feedback follows from those
 * changes (routes/status-feedback).</li>
 * </ul>
 * Records are sent before the fact is stored, so a failure in between sends them again at the next sweep, with the
 * same ids (consumers de-duplicate on deliveryId and feedbackId): at least once, never lost. The price: a service
 * whose report is accepted between the notice and the EXPIRED change (a window of one acknowledgement) has the
 * EXPIRED notice but its own status stands, and the referrer hears of that status, not of an expiry.
 */
@Component("referralExpiry")
public class ReferralExpiry {

    /** Exchange property: what the sweep will store once its records are acknowledged. */
    private static final String PLAN = "hubExpiryPlan";
    private static final Logger log = LoggerFactory.getLogger(ReferralExpiry.class);

    private final ExpiryProperties properties;
    private final Clock clock;
    private final ReferralRoutings routings;
    private final StatusReports reports;
    private final ReferralStateReads referralState;
    private final CounsellingNotices notices;
    private final CounsellingTopics topics;
    private final MeterRegistry meters;

    public ReferralExpiry(ExpiryProperties properties, Clock clock, ReferralRoutings routings,
                          StatusReports reports, ReferralStateReads referralState, CounsellingNotices notices,
                          CounsellingTopics topics, MeterRegistry meters) {
        this.properties = properties;
        this.clock = clock;
        this.routings = routings;
        this.reports = reports;
        this.referralState = referralState;
        this.notices = notices;
        this.topics = topics;
        this.meters = meters;
    }

    /** What one sweep found due: referrals to mark reminded, (referral, services) to expire. */
    record Plan(Instant now, List<ReferralRouting> toRemind, Map<String, Set<String>> toExpire) {
    }

    /**
     * Route step: finds what is due now and returns the records that tell it (each with its topic, key and headers);
     * nothing is stored yet ({@link #confirm}).
     */
    public List<Exchange> sweep(Exchange exchange) {
        Instant now = clock.instant();
        Plan plan = new Plan(now, new ArrayList<>(), new LinkedHashMap<>());
        List<Exchange> outputs = new ArrayList<>();
        for (ReferralRouting routing : routings.all()) {
            Optional<Instant> first = routing.firstDeliveredAt();
            if (first.isEmpty()) {
                continue;
            }
            Duration waiting = Duration.between(first.get(), now);
            boolean due = waiting.compareTo(properties.expireAfter()) >= 0
                    || waiting.compareTo(properties.reminderAfter()) >= 0 && routing.remindedAt() == null;
            if (!due) {
                continue;
            }
            // Only the instance that owns the referral reminds and expires it, from its own store: with several
            // instances each referral is handled once, and no sweep asks another instance anything.
            ReferralSummary state = referralState.ifOwnedHere(routing.referralId()).orElse(null);
            if (state == null || state.cancelled()) {
                continue;
            }
            Set<String> services = new LinkedHashSet<>(routing.sentTo().values());
            boolean nobodyActed = services.stream()
                    .allMatch(service -> StatusMachine.WAITING.contains(state.statusAt(service)));
            if (!nobodyActed) {
                continue;
            }
            if (waiting.compareTo(properties.expireAfter()) >= 0) {
                outputs.addAll(notices.notices(exchange.getContext(), routing, CounsellingNotice.EXPIRED, now, services));
                plan.toExpire().put(routing.referralId(), services);
            } else if (waiting.compareTo(properties.reminderAfter()) >= 0 && routing.remindedAt() == null) {
                reminderFeedback(exchange, routing, now).ifPresent(outputs::add);
                outputs.addAll(notices.notices(exchange.getContext(), routing, CounsellingNotice.REMINDER, now, services));
                plan.toRemind().add(routing);
            }
        }
        if (!plan.toRemind().isEmpty() || !plan.toExpire().isEmpty()) {
            log.info("Expiry sweep: {} referrals to remind, {} to expire", plan.toRemind().size(), plan.toExpire().size());
        }
        exchange.setProperty(PLAN, plan);
        return outputs;
    }

    /** Route step, once every record of the sweep is acknowledged: stores the reminders and makes the expiries. */
    public void confirm(Exchange exchange) {
        Plan plan = exchange.getProperty(PLAN, Plan.class);
        if (plan == null) {
            return;
        }
        for (ReferralRouting reminded : plan.toRemind()) {
            routings.update(reminded.referralId(), routing -> routing.remindedAt() == null
                    ? routing.reminded(plan.now()) : routing);
            count("hub.expiry.reminders", "Referrals reminded because no counselling service acted on them",
                    "partner", referralState.summary(reminded.referralId()).map(ReferralSummary::partnerId)
                            .orElse("unknown"));
        }
        plan.toExpire().forEach((referralId, services) -> services.forEach(service ->
                reports.expire(referralId, service, plan.now()).ifPresent(change -> count("hub.expiry.expirations",
                        "(Referral, service) pairs expired because nobody acted in time", "service", service))));
    }

    private Optional<Exchange> reminderFeedback(Exchange exchange, ReferralRouting routing, Instant now) {
        Optional<ReferralSummary> referrer = referralState.summary(routing.referralId());
        if (referrer.isEmpty()) {
            log.warn("Referral {} is reminded to its services only: no referrer known", routing.referralId());
            return Optional.empty();
        }
        String reminderId = CounsellingNotices.noticeId(CounsellingNotice.REMINDER, routing.referralId());
        ReferralFeedback feedback = ReferralFeedback.newBuilder()
                .setFeedbackId(UUID.nameUUIDFromBytes(("feedback:" + reminderId + ":" + FeedbackKind.REMINDER)
                        .getBytes(StandardCharsets.UTF_8)).toString())
                .setReferralId(routing.referralId())
                .setPartnerEventId(referrer.get().creationEventId())
                .setEventId(reminderId)
                .setKind(FeedbackKind.REMINDER)
                .setReasonCode("SANS_REPONSE")
                .setReasonText(reminderText())
                .setOccurredAt(now)
                .build();
        Exchange out = new DefaultExchange(exchange.getContext());
        Message message = out.getMessage();
        message.setBody(feedback);
        message.setHeader(KafkaConstants.OVERRIDE_TOPIC, topics.feedbackTopic(referrer.get().partnerId()));
        message.setHeader(KafkaConstants.KEY, routing.referralId());
        message.setHeader(RecordHeaders.REFERRAL_ID, routing.referralId());
        message.setHeader(RecordHeaders.PARTNER_ID, referrer.get().partnerId());
        message.setHeader(RecordHeaders.PARTNER_EVENT_ID, referrer.get().creationEventId());
        return Optional.of(out);
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

    private void count(String name, String description, String tag, String value) {
        Counter.builder(name).description(description).tag(tag, value).register(meters).increment();
    }
}
