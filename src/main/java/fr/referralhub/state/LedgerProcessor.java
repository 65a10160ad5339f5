package fr.referralhub.state;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.avro.ReferralStatus;
import fr.referralhub.avro.ReferralStatusChange;
import fr.referralhub.kafka.Outages;
import fr.referralhub.provenance.RecordProvenance;
import fr.referralhub.provenance.UntrustedRecordException;
import fr.referralhub.state.LedgerDecision.Outcome;
import fr.referralhub.topics.RecordHeaders;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides each submission of one referral, in the order they reached its partition: the heart of de-duplication.
 * Because every submission of a referral is keyed by its referral id, two instances that receive the same partner
 * event at the same instant both send it here, and the second one finds the first in the store. The publication on
 * {@code referrals.v1}, the store update and the answer are one Kafka transaction (exactly_once_v2): a crash between
 * them replays the submission against the store as it was, so an event is never published twice or lost.
 *
 * <p>An accepted event is decided ({@link EligibilityDecider}) and routed ({@link ReferralDistribution}) in the same
 * transaction: its decision, where it went (stored in the referral's entry) and the records for the services and the
 * referrer are written with it, once. Every check interval ({@link ExpiryPolicy.Delays}) the processor looks, in an index of due times, for the referrals of its partition
 * nobody acted on, and reminds or expires them, in a transaction too: each referral is reminded and expired once, by
 * the instance that owns it, and a task that moves to another instance takes its index with it.
 *
 * <p>Nothing thrown here may stop the partition: a submission the ledger cannot use is answered UNREADABLE and logged.
 */
final class LedgerProcessor implements Processor<String, byte[], String, Object> {

    private static final Logger log = LoggerFactory.getLogger(LedgerProcessor.class);

    /** At most this many referrals are reminded or expired per check: a backlog is worked off over a few checks. */
    static final int MAX_DUE_PER_CHECK = 500;

    /**
     * At most this many referrals are forgotten per sweep: each is about seven deletions (entry, due time, timeline
     * lines) in the sweep's transaction, which must commit within Streams' transaction timeout. A history imported at
     * once reaches 730 days at once; it is forgotten over the following sweeps.
     */
    static final int MAX_FORGOTTEN_PER_SWEEP = 2_000;

    /** The name a replay knows the eligibility step's dead letters by (the route that decided before, same format). */
    static final String ELIGIBILITY_STEP = "eligibility-decisions";
    /** The step of a submission refused for its provenance (not replayable: nothing of the hub's to do again). */
    static final String PROVENANCE_STEP = "provenance";
    /**
     * The step of a partner event answered on receipt and then refused (a conflicting re-use of its id, an update of
     * an unknown or cancelled referral): not replayable, it would be refused again; the partner sends a corrected event.
     */
    static final String REFUSED_STEP = "referral-ledger";
    /** The consumer name of this processor in provenance counts. */
    static final String CONSUMER = "referral-ledger";

    private final ReferralStateTopology.Topics topics;
    private final ReferralStateTopology.Parts parts;
    private final Clock clock;
    private final ExpiryPolicy expiry;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> ledger;
    /** Due time and referral id ({@link #dueKey}) of every referral that will be reminded or expire. */
    private KeyValueStore<String, byte[]> dueIndex;
    private KeyValueStore<String, byte[]> timeline;
    /** The person history ({@link PersonAidHistory}), a global store: read here, written through its topic. */
    private ReadOnlyKeyValueStore<String, byte[]> aidHistory;
    /**
     * What the unit of work in progress (one submission, one referral's check, one forgotten referral) will write: its
     * records, already encoded, and its timeline lines, in order. They are written once the unit succeeded, with its
     * store update. A unit that fails half-way for a lasting reason (a defect, logged; the transaction still commits
     * the other units' work) then writes none of them, rather than some records without the state change that goes
     * with them: a service told of a referral the state does not know it has, a reminder sent but not recorded.
     */
    private final List<Runnable> pending = new ArrayList<>();

    LedgerProcessor(ReferralStateTopology.Topics topics, ReferralStateTopology.Parts parts) {
        this.topics = topics;
        this.parts = parts;
        this.clock = parts.clock();
        this.expiry = parts.expiry();
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.ledger = context.getStateStore(ReferralStateTopology.LEDGER_STORE);
        this.dueIndex = context.getStateStore(ReferralStateTopology.EXPIRY_STORE);
        this.timeline = context.getStateStore(ReferralStateTopology.TIMELINE_STORE);
        this.aidHistory = context.getStateStore(ReferralStateTopology.AID_HISTORY_STORE);
        context.schedule(parts.forgetSweep(), PunctuationType.WALL_CLOCK_TIME, ignored -> forgetInactive());
        if (expiry.delays().enabled()) {
            context.schedule(expiry.delays().checkEvery(), PunctuationType.WALL_CLOCK_TIME, ignored -> remindAndExpire());
        }
    }

    @Override
    public void process(Record<String, byte[]> submission) {
        if (refusedProvenance(submission)) {
            return;
        }
        Headers headers = submission.headers();
        String replyTo = header(headers, SubmissionHeaders.REPLY_TO);
        String correlationId = header(headers, SubmissionHeaders.CORRELATION_ID);
        String referralId = submission.key();
        pending.clear();
        LedgerDecision decision;
        try {
            String kind = header(headers, SubmissionHeaders.KIND);
            if (kind == null || SubmissionHeaders.PARTNER_EVENT.equals(kind)) {
                decision = decide(referralId, correlationId, submission);
            } else if (SubmissionHeaders.STATUS_REPORT.equals(kind)) {
                decision = decideStatus(referralId, correlationId, submission);
            } else {
                decision = new LedgerDecision(correlationId, referralId, Outcome.UNREADABLE,
                        "unknown submission kind '" + kind + "'");
            }
            writePending();
        } catch (RuntimeException e) {
            pending.clear();
            if (Outages.isTransient(e)) {
                // Broker or registry briefly away: the whole transaction (publication included) is aborted and the
                // submission decided again, rather than committed half done.
                throw e;
            }
            log.error("Referral ledger: submission of referral {} cannot be used: {}", referralId, e.toString());
            decision = new LedgerDecision(correlationId, referralId, Outcome.UNREADABLE,
                    "the hub could not record this event: " + e.getMessage());
        }
        answer(replyTo, submission, decision);
    }

    private LedgerDecision decide(String referralId, String correlationId, Record<String, byte[]> submission) {
        Headers headers = submission.headers();
        String partnerId = header(headers, RecordHeaders.PARTNER_ID);
        String partnerEventId = header(headers, RecordHeaders.PARTNER_EVENT_ID);
        String type = header(headers, RecordHeaders.EVENT_TYPE);
        String contentHash = header(headers, RecordHeaders.CONTENT_HASH);
        if (referralId == null || partnerId == null || partnerEventId == null || type == null
                || submission.value() == null) {
            return new LedgerDecision(correlationId, referralId, Outcome.UNREADABLE,
                    "a submission needs a referral id key, a value and the headers hub.partner-id, "
                            + "hub.partner-event-id and hub.event-type");
        }
        byte[] stored = ledger.get(referralId);
        LedgerEntry entry = stored == null ? null : LedgerEntry.fromJson(stored);
        long now = clock.millis();
        if (entry != null) {
            LedgerEntry.PublishedEvent earlier = entry.events().get(partnerEventId);
            if (earlier != null) {
                return contradicts(earlier.contentHash(), contentHash)
                        ? new LedgerDecision(correlationId, referralId, Outcome.CONFLICT,
                                "was already received with other content; an event id names one event: send the "
                                        + "change as an update with a new event id")
                        : new LedgerDecision(correlationId, referralId, Outcome.DUPLICATE, null);
            }
        }
        if ("CREATED".equals(type)) {
            if (entry != null && entry.creationEventId() != null) {
                // Referral ids are derived from (partner, creation event id): another creation under the same id is
                // not from a hub instance.
                return new LedgerDecision(correlationId, referralId, Outcome.CONFLICT,
                        "this referral was created by another event");
            }
            String person = header(headers, SubmissionHeaders.PERSON_REFERENCE);
            String basis = header(headers, RecordHeaders.PERSON_REFERENCE_BASIS);
            if (person == null) {
                return new LedgerDecision(correlationId, referralId, Outcome.UNREADABLE,
                        "a creation needs the header " + SubmissionHeaders.PERSON_REFERENCE);
            }
            Map<String, String> published = publish(submission, person, basis, submission.value());
            addEventLine(referralId, submission.value());
            LedgerEntry created = LedgerEntry.created(partnerId, partnerEventId, person, basis, contentHash, now);
            save(referralId, entry, follow(referralId, created, person, published, submission.value(),
                    submission.timestamp()));
            return new LedgerDecision(correlationId, referralId, Outcome.ACCEPTED, null);
        }
        if (entry == null || entry.creationEventId() == null) {
            return new LedgerDecision(correlationId, referralId, Outcome.UNKNOWN_REFERRAL, null);
        }
        if (entry.cancelled()) {
            return new LedgerDecision(correlationId, referralId, Outcome.CANCELLED_REFERRAL,
                    "the referral created by '" + entry.creationEventId() + "' was cancelled; send a new creation");
        }
        // One referral, one person: an update keeps the reference its creation got, whatever identifiers it carries,
        // so its events share a key and consumers never see the referral split in two people.
        byte[] value = parts.personReferences().write(submission.value(), entry.personReference(), entry.personReferenceBasis());
        Map<String, String> published = publish(submission, entry.personReference(), entry.personReferenceBasis(),
                value);
        addEventLine(referralId, value);
        LedgerEntry updated = entry.with(partnerEventId, type, contentHash, now);
        save(referralId, entry, follow(referralId, updated, entry.personReference(), published, value,
                submission.timestamp()));
        return new LedgerDecision(correlationId, referralId, Outcome.ACCEPTED, null);
    }

    /** The event's line in the referral's timeline; an event the timeline cannot read is logged and left out of it. */
    private void addEventLine(String referralId, byte[] publishedEvent) {
        try {
            TimelineEntry line = parts.timeline().event(publishedEvent);
            pending.add(() -> TimelineStore.add(timeline, referralId, line));
        } catch (RuntimeException e) {
            if (Outages.isTransient(e)) {
                throw e;
            }
            log.error("Referral state: an event of referral {} is left out of its timeline: {}", referralId,
                    e.toString());
        }
    }

    /**
     * What follows an accepted event, in the transaction that publishes it: its eligibility decision, made once here
     * (or its dead letter when it cannot be decided), then its routing to the counselling services with that decision.
     * If it cannot be routed for a lasting reason (a defect: the event was checked and encoded by the hub), the event
     * stays published and recorded, its routing unchanged, and the failure is logged and counted rather than retried
     * in front of every later event of the partition. A transient failure (broker, registry) fails the transaction,
     * which Kafka Streams runs again.
     *
     * @param published the headers the event was published with: its decision carries them too
     */
    private LedgerEntry follow(String referralId, LedgerEntry entry, String personReference,
                               Map<String, String> published, byte[] publishedEvent, long timestamp) {
        ReferralEvent event;
        EligibilityDecision decision;
        LedgerEntry routed = entry;
        int beforeDecision = pending.size();
        try {
            event = parts.eventReader().apply(publishedEvent);
            decision = decide(referralId, event, personReference, published, publishedEvent, timestamp);
            if (decision != null) {
                entry = remember(referralId, entry, personReference, event, decision, timestamp);
                routed = entry;
            }
        } catch (RuntimeException e) {
            return unrouted(referralId, entry, e, beforeDecision);
        }
        Instant now = clock.instant();
        int beforeRouting = pending.size();
        try {
            ReferralDistribution.Routed routing = parts.distribution().route(event, decision,
                    entry.routingOf(referralId), now);
            routing.records().forEach(out -> send(out, timestamp));
            routed = entry.withRouting(routing.routing());
        } catch (RuntimeException e) {
            unrouted(referralId, entry, e, beforeRouting);
        }
        // After the routing's records (HELD or DELIVERED first on the referrer's topic), routed or not: the referrer
        // hears of the decision even when the services could not be told.
        int beforeFeedback = pending.size();
        try {
            parts.distribution().decisionFeedback(event, decision, now).ifPresent(out -> send(out, timestamp));
        } catch (RuntimeException e) {
            dropPendingFrom(beforeFeedback);
            if (Outages.isTransient(e)) {
                throw e;
            }
            log.error("Referral state: the decision of an event of referral {} cannot be told to its referrer: {}",
                    referralId, e.toString());
        }
        return routed;
    }

    /** The event stays published and recorded; what this step had prepared since {@code mark} is not written. */
    private LedgerEntry unrouted(String referralId, LedgerEntry entry, RuntimeException e, int mark) {
        dropPendingFrom(mark);
        if (Outages.isTransient(e)) {
            throw e;
        }
        log.error("Referral state: an event of referral {} was published but cannot be routed to counselling "
                + "services: {}", referralId, e.toString());
        parts.unrouted().run();
        return entry;
    }

    /**
     * The event's decision on eligibility-decisions.v1, keyed like the referral's records; an event that cannot be
     * decided (no rule set for its date...) is dead-lettered as the step {@value #ELIGIBILITY_STEP}, which an operator
     * replays once the rules are fixed, and is routed without a decision.
     */
    private EligibilityDecision decide(String referralId, ReferralEvent event, String personReference,
                                       Map<String, String> published, byte[] publishedEvent, long timestamp) {
        try {
            EligibilityDecision decision = parts.eligibility().decide(event, personReference,
                    PersonAidHistory.earlierAids(aidHistory, personReference, referralId));
            if (decision != null) {
                send(new OutboundRecord(topics.eligibilityDecisions(), personReference, decision, published), timestamp);
            }
            return decision;
        } catch (RuntimeException e) {
            if (Outages.isTransient(e)) {
                throw e;
            }
            log.warn("Referral state: event {} of referral {} cannot be decided, it is dead-lettered: {}",
                    event.getEventId(), event.getReferralId(), e.toString());
            send(parts.deadLetters().deadLetter(topics.referrals(), personReference, publishedEvent, published,
                    ELIGIBILITY_STEP, e), timestamp);
            return null;
        }
    }

    /**
     * Keeps in the person history what this decision means for the person's other referrals (an eligible seasonal
     * aid, under its year), replacing what the referral's earlier decision left there; a withdrawal leaves nothing.
     */
    private LedgerEntry remember(String referralId, LedgerEntry entry, String personReference, ReferralEvent event,
                                 EligibilityDecision decision, long timestamp) {
        List<RememberedAid> now = parts.eligibility().aidsToRemember(event, decision);
        PersonAidHistory.changes(topics.personAidHistory(), personReference, referralId, entry.rememberedAids(), now)
                .forEach(out -> send(out, timestamp));
        return now.equals(entry.rememberedAids()) ? entry : entry.withRememberedAids(now);
    }

    /**
     * A counselling service's status report, or the hub's expiry at a service, judged against the referral's status
     * there, in the partition's order: two reports on the same referral landing on two instances at once are judged
     * one after the other, so none is judged from a status that no longer holds.
     */
    private LedgerDecision decideStatus(String referralId, String correlationId, Record<String, byte[]> submission) {
        if (referralId == null || submission.value() == null) {
            return new LedgerDecision(correlationId, referralId, Outcome.UNREADABLE,
                    "a status submission needs a referral id key and a value");
        }
        ReferralStatusChange change = parts.statusChanges().read(submission.value());
        byte[] stored = ledger.get(referralId);
        LedgerEntry entry = stored == null ? null : LedgerEntry.fromJson(stored);
        String serviceId = change.getServiceId();
        // A service reports only on the referrals it was delivered: the same answer as for an unknown id, so a service
        // learns nothing of referrals that are not its own.
        if (entry == null || !entry.routingOf(referralId).sentTo().containsValue(serviceId)) {
            return new LedgerDecision(correlationId, referralId, Outcome.UNKNOWN_REFERRAL, null);
        }
        StatusChangeSummary earlier = entry.statusEvents()
                .get(LedgerEntry.statusEventKey(serviceId, change.getStatusEventId()));
        if (earlier != null) {
            boolean same = earlier.status().equals(change.getStatus().name())
                    && java.util.Objects.equals(earlier.reasonCode(), change.getReasonCode());
            return same ? new LedgerDecision(correlationId, referralId, Outcome.DUPLICATE, null, earlier)
                    : new LedgerDecision(correlationId, referralId, Outcome.CONFLICT, "'" + change.getStatusEventId()
                            + "' already reported " + earlier.status() + " on this referral: one id names one report; "
                            + "send a change under a new id", earlier);
        }
        ReferralStatus from = statusAt(entry, serviceId);
        Optional<String> refusal = StatusMachine.refusal(from, change.getStatus());
        if (refusal.isPresent()) {
            return new LedgerDecision(correlationId, referralId, Outcome.IMPOSSIBLE_TRANSITION, refusal.get());
        }
        LedgerEntry changed = recordStatus(referralId, entry, change, from, submission.timestamp());
        save(referralId, entry, changed);
        StatusChangeSummary accepted = changed.statusEvents()
                .get(LedgerEntry.statusEventKey(serviceId, change.getStatusEventId()));
        return new LedgerDecision(correlationId, referralId, Outcome.ACCEPTED, null, accepted);
    }

    private static ReferralStatus statusAt(LedgerEntry entry, String serviceId) {
        return entry.cancelled() ? ReferralStatus.CANCELLED : ReferralStatus.valueOf(entry.statusAt(serviceId));
    }

    /** Publishes a change judged possible from {@code from} on referral-status-changes.v1; returns the entry with it. */
    private LedgerEntry recordStatus(String referralId, LedgerEntry entry, ReferralStatusChange change,
                                     ReferralStatus from, long timestamp) {
        String serviceId = change.getServiceId();
        change.setPreviousStatus(from);
        change.setReferrerPartnerId(entry.partnerId());
        change.setReferrerPartnerEventId(entry.creationEventId());
        Headers published = new org.apache.kafka.common.header.internals.RecordHeaders();
        published.add(RecordHeaders.REFERRAL_ID, referralId.getBytes(StandardCharsets.UTF_8));
        published.add(SubmissionHeaders.SERVICE_ID, serviceId.getBytes(StandardCharsets.UTF_8));
        forwardLater(new Record<>(referralId, (Object) parts.statusChanges().write(change), timestamp, published),
                ReferralStateTopology.STATUS_CHANGES_SINK);
        StatusChangeSummary accepted = new StatusChangeSummary(change.getChangeId(), serviceId,
                change.getStatusEventId(), from.name(), change.getStatus().name(), change.getReasonCode());
        return entry.withStatusChange(accepted, clock.millis());
    }

    /** Stores an entry and keeps the due index in step with it: a referral is in the index under its next due time. */
    private void save(String referralId, LedgerEntry before, LedgerEntry after) {
        ledger.put(referralId, after.toJson());
        Optional<Instant> wasDue = dueAt(referralId, before);
        Optional<Instant> isDue = dueAt(referralId, after);
        if (!wasDue.equals(isDue)) {
            wasDue.ifPresent(at -> dueIndex.delete(dueKey(at, referralId)));
            isDue.ifPresent(at -> dueIndex.put(dueKey(at, referralId), new byte[0]));
        }
    }

    /**
     * When the referral is next reminded or expires: never if it was cancelled, never delivered, or any service it
     * went to acted (anything past RECEIVED takes it out of expiry for good, {@link StatusMachine#WAITING}).
     */
    private Optional<Instant> dueAt(String referralId, LedgerEntry entry) {
        if (entry == null || entry.cancelled()) {
            return Optional.empty();
        }
        ReferralRouting routing = entry.routingOf(referralId);
        Optional<Instant> first = routing.firstDeliveredAt();
        if (first.isEmpty() || !nobodyActed(entry, routing)) {
            return Optional.empty();
        }
        return Optional.of(first.get().plus(routing.remindedAt() == null ? expiry.delays().reminderAfter()
                : expiry.delays().expireAfter()));
    }

    private static boolean nobodyActed(LedgerEntry entry, ReferralRouting routing) {
        // Every change ever made counts, not only the current statuses: a service that put the referral ON_HOLD and
        // resumed to RECEIVED acted, and must not be reminded or see it expire.
        return routing.services().stream()
                .allMatch(service -> StatusMachine.WAITING.contains(ReferralStatus.valueOf(entry.statusAt(service))))
                && entry.statusEvents().values().stream()
                .allMatch(change -> StatusMachine.WAITING.contains(ReferralStatus.valueOf(change.status())));
    }

    /** Index keys sort by due time: epoch milliseconds on 13 digits (until the year 2286), then the referral id. */
    static String dueKey(Instant at, String referralId) {
        return String.format(Locale.ROOT, "%013d|%s", Math.max(0, at.toEpochMilli()), referralId);
    }

    /**
     * Reminds, then expires, the referrals of this task that are due on the hub's clock (DOMAIN.md: Dora reminds after
     * 10 days and expires after 30, counted from the first delivery). A referral whose reminder was never sent (the
     * check was off) and that is already past its expiry expires without one.
     */
    private void remindAndExpire() {
        Instant now = clock.instant();
        List<String> due = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> found = dueIndex.range(dueKey(Instant.EPOCH, ""),
                String.format(Locale.ROOT, "%013d~", now.toEpochMilli()))) {
            while (found.hasNext() && due.size() < MAX_DUE_PER_CHECK) {
                due.add(found.next().key);
            }
        }
        for (String key : due) {
            String referralId = key.substring(14);
            pending.clear();
            try {
                byte[] stored = ledger.get(referralId);
                LedgerEntry entry = stored == null ? null : LedgerEntry.fromJson(stored);
                Optional<Instant> dueAt = dueAt(referralId, entry);
                if (dueAt.isEmpty() || !key.equals(dueKey(dueAt.get(), referralId))) {
                    // Left behind by a change the index missed (an entry forgotten after 730 days, delays changed
                    // since): put it where it belongs now, or drop it.
                    dueIndex.delete(key);
                    dueAt.ifPresent(at -> dueIndex.put(dueKey(at, referralId), new byte[0]));
                    continue;
                }
                save(referralId, entry, remindOrExpire(referralId, entry, now));
                writePending();
            } catch (RuntimeException e) {
                pending.clear();
                if (Outages.isTransient(e)) {
                    // The check's transaction is aborted; the next check finds the same referrals due.
                    throw e;
                }
                // One referral that cannot be reminded or expired (a defect) must not stop the others, nor come back
                // at every check: it leaves the index, and the log says which.
                log.error("Referral state: referral {} cannot be reminded or expired, it is left out of expiry: {}",
                        referralId, e.toString());
                dueIndex.delete(key);
            }
        }
        expiry.checked(context.taskId().partition(), now);
    }

    private LedgerEntry remindOrExpire(String referralId, LedgerEntry entry, Instant now) {
        ReferralRouting routing = entry.routingOf(referralId);
        Set<String> services = routing.services();
        long timestamp = now.toEpochMilli();
        // Reminded already: what is due now can only be the expiry. The due index counts in milliseconds and the clock
        // in microseconds, so a check may find the expiry due a fraction of a millisecond before its instant; comparing
        // instants alone would then remind a second time.
        boolean expires = routing.remindedAt() != null
                || !now.isBefore(routing.firstDeliveredAt().orElseThrow().plus(expiry.delays().expireAfter()));
        if (expires) {
            expiry.expiryNotices(routing, services, now).forEach(out -> send(out, timestamp));
            LedgerEntry expired = entry;
            for (String service : services) {
                String statusEventId = "expiry:" + referralId + ":" + service;
                ReferralStatusChange change = ReferralStatusChange.newBuilder()
                        .setChangeId(StatusMachine.changeId(service, referralId, statusEventId))
                        .setReferralId(referralId)
                        .setServiceId(service)
                        .setStatusEventId(statusEventId)
                        .setPreviousStatus(ReferralStatus.REQUESTED)
                        .setStatus(ReferralStatus.EXPIRED)
                        .setChannel(StatusMachine.HUB_CHANNEL)
                        .setOccurredAt(now)
                        .setRecordedAt(now)
                        .build();
                ReferralStatus from = statusAt(expired, service);
                expired = recordStatus(referralId, expired, change, from, timestamp);
                log.info("Referral {} at service {}: {} -> EXPIRED (nobody acted in time)", referralId, service, from);
                pending.add(() -> expiry.expired(service)); // counted once written
            }
            return expired;
        }
        expiry.reminder(routing, ReferralSummary.of(referralId, entry, List.of()), services, now)
                .forEach(out -> send(out, timestamp));
        log.info("Referral {} reminded: no counselling service acted on it", referralId);
        pending.add(() -> expiry.reminded(entry.partnerId())); // counted once written
        return entry.withRouting(routing.reminded(now));
    }

    /** The task leaves this instance (rebalance, shutdown): its checks are no longer this instance's to report. */
    @Override
    public void close() {
        expiry.released(context.taskId().partition());
    }

    /**
     * A submission the hub did not write (someone who may write on intake-submissions.v1, which only the hub should)
     * or for a partner the registry does not know is never decided: it is dead-lettered with the reason, in this
     * transaction, and counted. Nobody waits for its answer.
     */
    private boolean refusedProvenance(Record<String, byte[]> submission) {
        var from = context.recordMetadata().orElseThrow();
        Optional<String> refusal = parts.provenance().refusal(CONSUMER, from.topic(), from.partition(), from.offset(),
                submission.key(), submission.value(), submission.headers());
        if (refusal.isEmpty()) {
            return false;
        }
        if (submission.value() == null) {
            return true; // nothing to keep: counted and logged by the check
        }
        pending.clear();
        send(parts.deadLetters().deadLetter(from.topic(), submission.key(), submission.value(),
                textHeaders(submission), PROVENANCE_STEP, new UntrustedRecordException(refusal.get())),
                submission.timestamp());
        writePending();
        return true;
    }

    /** A submission's headers for its dead letter. */
    private static Map<String, String> textHeaders(Record<String, byte[]> submission) {
        Map<String, String> headers = new LinkedHashMap<>();
        submission.headers().forEach(header -> {
            // Its signature is not text, and the dead letter gets the hub's own.
            if (header.value() != null && !header.key().equals(RecordProvenance.HEADER)) {
                headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
        });
        return headers;
    }

    /**
     * Prepares a record of the unit in progress ({@link #pending}). It is encoded here, so that a record that cannot be
     * encoded fails its unit before anything of the unit is written.
     */
    private void send(OutboundRecord out, long timestamp) {
        if (out.value() instanceof ReferralFeedback feedback) {
            // The referrer's feedback is a line of its referral's timeline. Written in this transaction, the line is
            // there when the partner gets its answer (a timeline read right after the 202 shows the delivery); when
            // the timeline processor reads the same feedback back from the partner's topic, it finds the line and
            // writes nothing more.
            TimelineEntry line = TimelineLines.ofFeedback(feedback);
            pending.add(() -> TimelineStore.add(timeline, out.key(), line));
        }
        Object encoded = out.value() instanceof SpecificRecord record
                ? parts.outboundWriter().apply(out.topic(), record) : out.value();
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        out.headers().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        forwardLater(new Record<>(out.key(), (Object) new OutboundRecord(out.topic(), out.key(), encoded, out.headers()),
                timestamp, headers), ReferralStateTopology.OUTBOUND_SINK);
    }

    private void forwardLater(Record<String, Object> record, String sink) {
        pending.add(() -> context.forward(record, sink));
    }

    /** Writes what the unit in progress prepared, in order. */
    private void writePending() {
        try {
            pending.forEach(Runnable::run);
        } finally {
            pending.clear();
        }
    }

    /** Forgets what a failed step prepared since {@code mark}; what the unit prepared before it stays. */
    private void dropPendingFrom(int mark) {
        pending.subList(mark, pending.size()).clear();
    }

    /**
     * The canonical record, keyed by person reference, with the tracing headers of referrals.v1 and no others.
     *
     * @return those headers
     */
    private Map<String, String> publish(Record<String, byte[]> submission, String personReference, String basis,
                                        byte[] value) {
        Headers published = new org.apache.kafka.common.header.internals.RecordHeaders();
        for (String name : SubmissionHeaders.PUBLISHED) {
            Header header = submission.headers().lastHeader(name);
            if (header != null) {
                published.add(name, header.value());
            }
        }
        published.add(RecordHeaders.REFERRAL_ID, submission.key().getBytes(StandardCharsets.UTF_8));
        if (basis != null) {
            published.remove(RecordHeaders.PERSON_REFERENCE_BASIS);
            published.add(RecordHeaders.PERSON_REFERENCE_BASIS, basis.getBytes(StandardCharsets.UTF_8));
        }
        forwardLater(new Record<>(personReference, (Object) value, submission.timestamp(), published),
                ReferralStateTopology.REFERRALS_SINK);
        Map<String, String> names = new LinkedHashMap<>();
        published.forEach(header -> names.put(header.key(), new String(header.value(), StandardCharsets.UTF_8)));
        return names;
    }

    private void answer(String replyTo, Record<String, byte[]> submission, LedgerDecision decision) {
        if (decision.outcome() != Outcome.ACCEPTED) {
            log.info("Referral ledger: partner event {} of {} for referral {}: {}",
                    header(submission.headers(), RecordHeaders.PARTNER_EVENT_ID),
                    header(submission.headers(), RecordHeaders.PARTNER_ID), decision.referralId(), decision.outcome());
        }
        if (replyTo == null) {
            if (header(submission.headers(), SubmissionHeaders.ANSWERED_ON_RECEIPT) != null
                    && decision.outcome() != Outcome.ACCEPTED && decision.outcome() != Outcome.DUPLICATE) {
                // The partner was answered on receipt (Prefer: respond-async) and nobody waits for this refusal: it
                // goes to the dead letters with its reason, in this transaction, as a refused landlord record does.
                var from = context.recordMetadata().orElseThrow();
                send(parts.deadLetters().deadLetter(from.topic(), submission.key(), submission.value(),
                        textHeaders(submission), REFUSED_STEP, new RefusedSubmissionException(decision)),
                        submission.timestamp());
            }
            // Otherwise nobody waits (a replay, or a writer that is not a hub instance): the decision stands all the
            // same.
            writePending();
            return;
        }
        writePending();
        context.forward(new Record<>(replyTo, (Object) decision.toJson(), submission.timestamp(),
                new org.apache.kafka.common.header.internals.RecordHeaders()),
                ReferralStateTopology.DECISIONS_SINK);
    }

    /** DOMAIN.md: records of a referral inactive for 730 days are dropped, from the store as from the topics. */
    private void forgetInactive() {
        long before = clock.millis() - parts.recordLife().toMillis();
        int forgotten = 0;
        pending.clear();
        try (KeyValueIterator<String, byte[]> all = ledger.all()) {
            while (all.hasNext() && forgotten < MAX_FORGOTTEN_PER_SWEEP) {
                KeyValue<String, byte[]> next = all.next();
                LedgerEntry entry;
                try {
                    entry = LedgerEntry.fromJson(next.value);
                } catch (RuntimeException e) {
                    log.error("Referral ledger: the entry of referral {} cannot be read, it is kept: {}", next.key,
                            e.toString());
                    continue;
                }
                if (entry.lastActivity() < before) {
                    ledger.delete(next.key);
                    TimelineStore.forget(timeline, next.key);
                    PersonAidHistory.changes(topics.personAidHistory(), entry.personReference(), next.key,
                            entry.rememberedAids(), List.of()).forEach(out -> send(out, clock.millis()));
                    dueAt(next.key, entry).ifPresent(at -> dueIndex.delete(dueKey(at, next.key)));
                    writePending();
                    forgotten++;
                }
            }
        }
        if (forgotten > 0) {
            log.info("Referral ledger: forgot {} referrals inactive for {} days", forgotten, parts.recordLife().toDays());
        }
    }

    /**
     * Whether a re-sent event's content differs from what was published. Hashes are {@code <schema
     * fingerprint>:<SHA-256>}; hashes made with another version of the canonical schema (or none) cannot be
     * compared, so the event is taken as a re-send.
     */
    static boolean contradicts(String published, String resent) {
        if (published == null || resent == null) {
            return false;
        }
        int p = published.indexOf(':');
        int r = resent.indexOf(':');
        if (p < 0 || r < 0 || !published.substring(0, p).equals(resent.substring(0, r))) {
            return false;
        }
        return !published.equals(resent);
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
