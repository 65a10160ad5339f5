package fr.referralhub.state;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import java.util.Optional;

import fr.referralhub.avro.ReferralStatus;
import fr.referralhub.avro.ReferralStatusChange;
import fr.referralhub.state.LedgerDecision.Outcome;
import fr.referralhub.topics.RecordHeaders;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides each submission of one referral, in the order they reached its partition: the heart of de-duplication.
 * Because every submission of a referral is keyed by its referral id, two instances that receive the same partner
 * event at the same instant both send it here, and the second one finds the first in the store. The publication on
 * {@code referrals.v1}, the store update and the answer are one Kafka transaction (exactly_once_v2): a crash between
 * them replays the submission against the store as it was, so an event is never published twice or lost.
 *
 * <p>Nothing thrown here may stop the partition: a submission the ledger cannot use is answered UNREADABLE and logged.
 */
final class LedgerProcessor implements Processor<String, byte[], String, byte[]> {

    private static final Logger log = LoggerFactory.getLogger(LedgerProcessor.class);

    private final String storeName;
    private final Clock clock;
    private final Duration recordLife;
    private final Duration sweepEvery;
    private final PersonReferenceWriter personReferences;
    private final StatusChangeCodec statusChanges;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> ledger;

    LedgerProcessor(String storeName, Clock clock, Duration recordLife, Duration sweepEvery,
                    PersonReferenceWriter personReferences, StatusChangeCodec statusChanges) {
        this.statusChanges = statusChanges;
        this.storeName = storeName;
        this.clock = clock;
        this.recordLife = recordLife;
        this.sweepEvery = sweepEvery;
        this.personReferences = personReferences;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.ledger = context.getStateStore(storeName);
        context.schedule(sweepEvery, PunctuationType.WALL_CLOCK_TIME, ignored -> forgetInactive());
    }

    @Override
    public void process(Record<String, byte[]> submission) {
        Headers headers = submission.headers();
        String replyTo = header(headers, SubmissionHeaders.REPLY_TO);
        String correlationId = header(headers, SubmissionHeaders.CORRELATION_ID);
        String referralId = submission.key();
        try {
            String kind = header(headers, SubmissionHeaders.KIND);
            LedgerDecision decision = kind == null || SubmissionHeaders.PARTNER_EVENT.equals(kind)
                    ? decide(referralId, correlationId, submission)
                    : decideStatus(referralId, correlationId, SubmissionHeaders.EXPIRY.equals(kind), submission);
            answer(replyTo, submission, decision);
        } catch (RuntimeException e) {
            log.error("Referral ledger: submission of referral {} cannot be used: {}", referralId, e.toString());
            answer(replyTo, submission, new LedgerDecision(correlationId, referralId, Outcome.UNREADABLE,
                    "the hub could not record this event: " + e.getMessage()));
        }
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
            publish(submission, person, basis, submission.value());
            ledger.put(referralId, LedgerEntry.created(partnerId, partnerEventId, person, basis, contentHash, now)
                    .withStatusesOf(entry).toJson());
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
        byte[] value = personReferences.write(submission.value(), entry.personReference(), entry.personReferenceBasis());
        publish(submission, entry.personReference(), entry.personReferenceBasis(), value);
        ledger.put(referralId, entry.with(partnerEventId, type, contentHash, now).toJson());
        return new LedgerDecision(correlationId, referralId, Outcome.ACCEPTED, null);
    }

    /**
     * A counselling service's status report, or the hub's expiry at a service, judged against the referral's status
     * there, in the partition's order: two reports on the same referral landing on two instances at once are judged
     * one after the other, so none is judged from a status that no longer holds.
     */
    private LedgerDecision decideStatus(String referralId, String correlationId, boolean expiry,
                                        Record<String, byte[]> submission) {
        if (referralId == null || submission.value() == null) {
            return new LedgerDecision(correlationId, referralId, Outcome.UNREADABLE,
                    "a status submission needs a referral id key and a value");
        }
        ReferralStatusChange change = statusChanges.read(submission.value());
        byte[] stored = ledger.get(referralId);
        // A referral delivered to services without the ledger having recorded it (published before the referral
        // state existed): its statuses are kept all the same, with no referrer to tell. Whether the service may
        // report on it at all (was it delivered there?) is checked before submitting.
        LedgerEntry entry = stored == null ? LedgerEntry.unrecorded(clock.millis()) : LedgerEntry.fromJson(stored);
        String serviceId = change.getServiceId();
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
        ReferralStatus from = entry.cancelled() ? ReferralStatus.CANCELLED
                : ReferralStatus.valueOf(entry.statusAt(serviceId));
        if (expiry) {
            if (!StatusMachine.WAITING.contains(from)) {
                return new LedgerDecision(correlationId, referralId, Outcome.NOT_WAITING, "already " + from);
            }
        } else {
            Optional<String> refusal = StatusMachine.refusal(from, change.getStatus());
            if (refusal.isPresent()) {
                return new LedgerDecision(correlationId, referralId, Outcome.IMPOSSIBLE_TRANSITION, refusal.get());
            }
        }
        change.setPreviousStatus(from);
        change.setReferrerPartnerId(entry.partnerId());
        change.setReferrerPartnerEventId(entry.creationEventId());
        Headers published = new org.apache.kafka.common.header.internals.RecordHeaders();
        published.add(RecordHeaders.REFERRAL_ID, referralId.getBytes(StandardCharsets.UTF_8));
        published.add(SubmissionHeaders.SERVICE_ID, serviceId.getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(referralId, statusChanges.write(change), submission.timestamp(), published),
                ReferralStateTopology.STATUS_CHANGES_SINK);
        StatusChangeSummary accepted = new StatusChangeSummary(change.getChangeId(), serviceId,
                change.getStatusEventId(), from.name(), change.getStatus().name(), change.getReasonCode());
        ledger.put(referralId, entry.withStatusChange(accepted, clock.millis()).toJson());
        return new LedgerDecision(correlationId, referralId, Outcome.ACCEPTED, null, accepted);
    }

    /** The canonical record, keyed by person reference, with the tracing headers of referrals.v1 and no others. */
    private void publish(Record<String, byte[]> submission, String personReference, String basis, byte[] value) {
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
        context.forward(new Record<>(personReference, value, submission.timestamp(), published),
                ReferralStateTopology.REFERRALS_SINK);
    }

    private void answer(String replyTo, Record<String, byte[]> submission, LedgerDecision decision) {
        if (decision.outcome() != Outcome.ACCEPTED) {
            log.info("Referral ledger: partner event {} of {} for referral {}: {}",
                    header(submission.headers(), RecordHeaders.PARTNER_EVENT_ID),
                    header(submission.headers(), RecordHeaders.PARTNER_ID), decision.referralId(), decision.outcome());
        }
        if (replyTo == null) {
            // Nobody waits (a replay, or a writer that is not a hub instance): the decision stands all the same.
            return;
        }
        context.forward(new Record<>(replyTo, decision.toJson(), submission.timestamp(),
                new org.apache.kafka.common.header.internals.RecordHeaders()),
                ReferralStateTopology.DECISIONS_SINK);
    }

    /** DOMAIN.md: records of a referral inactive for 730 days are dropped, from the store as from the topics. */
    private void forgetInactive() {
        long before = clock.millis() - recordLife.toMillis();
        int forgotten = 0;
        try (KeyValueIterator<String, byte[]> all = ledger.all()) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> next = all.next();
                if (LedgerEntry.fromJson(next.value).lastActivity() < before) {
                    ledger.delete(next.key);
                    forgotten++;
                }
            }
        }
        if (forgotten > 0) {
            log.info("Referral ledger: forgot {} referrals inactive for {} days", forgotten, recordLife.toDays());
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
