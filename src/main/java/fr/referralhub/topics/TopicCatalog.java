package fr.referralhub.topics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import fr.referralhub.avro.CounsellingReferral;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.avro.ReferralStatusChange;
import org.springframework.stereotype.Component;

/**
 * The one list of the hub's topics, with their keys and schemas. Routes refer to topics by the property names
 * of {@link HubTopicProperties}; consumers of the hub read this list (and the README table made from it).
 */
@Component
public class TopicCatalog {

    /**
     * A referral's record (its events, statuses, what its referrer was told, what failed about it, who looked):
     * peers keep inactive records two years and then anonymise (DOMAIN.md), so each record leaves 730 days after it
     * was written. The referral state (de-duplication, statuses, timelines) forgets a referral 730 days after its last
     * activity: an update to a referral it forgot is refused as an unknown referral and must come as a new one.
     */
    public static final Duration RECORD_LIFE = Duration.ofDays(730);
    private static final Map<String, String> REFERRAL_RECORD = Map.of("retention.ms",
            String.valueOf(RECORD_LIFE.toMillis()));

    /**
     * Latest value per key only. Tombstones are kept ten years, not the default day: a deleted subscription's
     * tombstone is what tells a restarting hub not to seed it again from its configuration.
     */
    private static final Map<String, String> LATEST_PER_KEY = Map.of("cleanup.policy", "compact",
            "delete.retention.ms", String.valueOf(10L * 365 * 24 * 3600 * 1000));

    /**
     * The largest record a partner may publish on its intake topic ({@code intake.<partnerId>}, {@code
     * status.<serviceId>}): a landlord's XML document or a service's status report is a few KB. A bigger one is
     * refused unread by the consuming route (dead-lettered as too big, with a digest, see
     * {@link fr.referralhub.kafka.DeadLetters}): the hub holds each record whole in memory, and parsing megabytes of
     * XML per record is a way to starve it.
     *
     * <p>The limits are set together: the intake topics are created with {@code max.message.bytes} of this plus
     * {@link #BATCH_HEADROOM_BYTES}, so the broker refuses most oversized records at the partner's door. The broker
     * cannot refuse them all (a topic created before this limit keeps its own, and {@code max.message.bytes} bounds a
     * compressed batch, so 20 MB of repetitive XML gzipped to 20 KB passes): the route's check is what holds. The
     * consumers keep Kafka's {@code max.partition.fetch.bytes} (1 MiB), above this topic limit; a batch bigger than it
     * is still returned alone (KIP-74), so no fetch setting can stall a partition.
     */
    public static final int INTAKE_MAX_RECORD_BYTES = 256 * 1024;

    /** What a batch of one record needs beyond its value: batch and record headers, the key, the partner's headers. */
    public static final int BATCH_HEADROOM_BYTES = 16 * 1024;

    /**
     * The largest dead letter: the hub's producer {@code max.request.size} (Kafka's default, 1 MiB; the
     * {@code dead-letter-writer} route sets it) and {@code max.message.bytes} of the dead-letter topic.
     */
    public static final int DEAD_LETTER_MAX_BYTES = 1024 * 1024;

    /**
     * The largest original a dead letter copies whole (encrypted): the rest of {@link #DEAD_LETTER_MAX_BYTES} is for
     * the 28 bytes of encryption and the headers (a 4,000-character stack trace, the partner's own headers). Beyond
     * it a dead letter keeps an encrypted SHA-256 digest, the size and the origin, not the bytes: a dead letter that
     * copied a record of almost 1 MiB could never be written, and its batch would be consumed again forever.
     */
    public static final int DEAD_LETTER_COPY_LIMIT = DEAD_LETTER_MAX_BYTES - 64 * 1024;

    private static final Map<String, String> INTAKE_LIMIT = Map.of("max.message.bytes",
            String.valueOf(INTAKE_MAX_RECORD_BYTES + BATCH_HEADROOM_BYTES));

    /** A copy for a service or partner to consume, not an archive (referrals.v1 is): personal data leave in 30 days. */
    private static final Map<String, String> THIRTY_DAYS = Map.of("retention.ms", String.valueOf(30L * 24 * 3600 * 1000));

    private final TopicSpec referrals;
    private final TopicSpec eligibilityDecisions;
    private final TopicSpec deadLetters;
    private final TopicSpec operatorAudit;
    private final TopicSpec subscriptions;
    private final TopicSpec counselling;
    private final TopicSpec feedback;
    private final TopicSpec webhookDeliveries;
    private final TopicSpec referralStatusChanges;
    private final TopicSpec intakeSubmissions;
    private final TopicSpec intakeDecisions;
    private final TopicSpec landlordIntake;
    private final TopicSpec serviceStatusIntake;
    private final TopicSpec parkedRecords;
    private final TopicSpec personAidHistory;

    public TopicCatalog(HubTopicProperties names) {
        this.referrals = new TopicSpec(names.referrals(),
                "person reference (string): one person's events stay in order",
                ReferralEvent.getClassSchema(),
                "Canonical referral events (created, updated, cancelled) from every partner channel",
                REFERRAL_RECORD);
        this.eligibilityDecisions = new TopicSpec(names.eligibilityDecisions(),
                "person reference (string)",
                EligibilityDecision.getClassSchema(),
                "Housing-aid and programme eligibility decisions, one per referral event",
                // A decision is part of the referral's record (DOMAIN.md): kept as long as the referral's events, not
                // the broker's default week.
                REFERRAL_RECORD);
        this.deadLetters = new TopicSpec(names.deadLetters(),
                "original key (bytes)",
                null,
                "Records the hub could not process: original bytes, reason in __connect.errors.* headers",
                with(REFERRAL_RECORD, "max.message.bytes", String.valueOf(DEAD_LETTER_MAX_BYTES)));
        // Who looked at which dead letter's personal data and who replayed what: proof owed to the people concerned
        // and to the data-protection officer, so kept as long as the dead letters themselves.
        this.operatorAudit = new TopicSpec(names.operatorAudit(),
                "what the operator acted on (string, e.g. dead-letter:dead-letters.v1/1-42): its records stay in order",
                null,
                "Operators' actions on personal data and replays (JSON: at, actor, action, target, outcome); no personal data",
                REFERRAL_RECORD);
        this.subscriptions = new TopicSpec(names.subscriptions(),
                "subscription id (string)",
                null,
                "Counselling subscriptions (JSON, fr.referralhub.counselling.StoredSubscription), tombstone on delete; "
                        + "every hub instance tails it",
                LATEST_PER_KEY);
        this.counselling = new TopicSpec(names.counsellingPrefix() + "{serviceId}",
                "referral id (string)",
                CounsellingReferral.getClassSchema(),
                "One counselling service's referrals, minimised to its subscription's profile, and the hub's notices "
                        + "about them (field notice: REMINDER when nobody acted yet, EXPIRED when nobody acted in time; "
                        + "a notice carries no referral content); created with the service's first subscription",
                THIRTY_DAYS);
        this.feedback = new TopicSpec(names.feedbackPrefix() + "{partnerId}",
                "referral id (string)",
                ReferralFeedback.getClassSchema(),
                "What a referring partner is told about its referrals (held, and later delivered, statuses...); "
                        + "created with the partner's first feedback",
                // Part of the referral's record, not only a copy to consume: its timeline is rebuilt from it.
                REFERRAL_RECORD);
        // Keyed by subscription: one subscription's deliveries stay in order on one partition. Retention is the
        // longest a receiver may be down before its referrals leave the outbox unsent (dead letters keep failures).
        this.webhookDeliveries = new TopicSpec(names.webhookDeliveries(),
                "subscription id (string): one subscription's deliveries stay in order",
                CounsellingReferral.getClassSchema(),
                "Outbox of WEBHOOK subscriptions: each referral to POST, minimised to the subscription's profile "
                        + "(header hub.subscription-id); the webhook sender reads it and commits once delivered or "
                        + "dead-lettered",
                THIRTY_DAYS);
        // Not compacted: the history of a referral's statuses is part of its record (the timeline is rebuilt from
        // it), kept like the referral events themselves.
        this.referralStatusChanges = new TopicSpec(names.referralStatusChanges(),
                "referral id (string): one referral's changes stay in order",
                ReferralStatusChange.getClassSchema(),
                "Status changes of referrals at counselling services (received, accepted, rejected with a reason...), "
                        + "as the hub accepted them, and the hub's own EXPIRED changes (channel HUB, statusEventId "
                        + "expiry:<referralId>:<serviceId>); each one judged and published once by the referral state",
                REFERRAL_RECORD);
        // The two halves of intake's question to the referral ledger (fr.referralhub.state): internal to the hub.
        // A submission is read once by the ledger, so a week covers any outage of the ledger without keeping the
        // personal data it holds longer than needed; an answer is only useful while its caller still waits.
        this.intakeSubmissions = new TopicSpec(names.intakeSubmissions(),
                "referral id (string): every event of one referral reaches the same ledger partition, in order",
                null,
                "Internal. What the hub received, on its way to the referral state, which decides each in order: "
                        + "partner events (hub.submission PARTNER_EVENT: the ReferralEvent in the wire format of "
                        + names.referrals() + "-value, published once or refused) and counselling services' status "
                        + "reports (STATUS_REPORT: a ReferralStatusChange in the wire format of "
                        + names.referralStatusChanges() + "-value, judged against the referral's life cycle); "
                        + "headers hub.reply-to and hub.correlation-id say who waits for the answer",
                Map.of("retention.ms", String.valueOf(Duration.ofDays(7).toMillis())));
        this.intakeDecisions = new TopicSpec(names.intakeDecisions(),
                "hub instance id (string): each instance reads only its own partition",
                null,
                "Internal. The referral state's answer to each submission (JSON: correlation id, referral id, "
                        + "outcome, reason, and for a status the change in force); no personal data",
                Map.of("retention.ms", String.valueOf(Duration.ofHours(1).toMillis())));
        // The partners' and services' own topics (prefixes: intake.SocialLandlordIntake.TOPIC_PREFIX,
        // status.StatusReports.TOPIC_PREFIX): created per actor at start-up (intake.LandlordTopicProvisioner,
        // status.ServiceStatusTopics) with the intake limit; the hub only reads them.
        this.landlordIntake = new TopicSpec("intake.{partnerId}",
                "the referral's first identifiant (string; identifiantOrigine of a MODIFICATION or ANNULATION), so its documents stay in order",
                null,
                "One raw intake topic per social landlord, created by the hub at start-up for each enabled "
                        + "SOCIAL_LANDLORD partner (KAFKA_XML channel); the landlord publishes, the hub consumes.",
                INTAKE_LIMIT);
        this.serviceStatusIntake = new TopicSpec("status.{serviceId}",
                "referral id (string), so one referral's reports stay in order",
                null,
                "One status topic per counselling service, created by the hub at start-up for each enabled service of "
                        + "hub.services; the service publishes its status reports, the hub consumes. The service is the "
                        + "topic's (broker ACLs).",
                INTAKE_LIMIT);
        // Records that could not even be dead-lettered (the dead-letter topic refused them twice): what an operator
        // needs to find them at their origin, no content. Few and tiny; kept as long as the dead letters.
        this.parkedRecords = new TopicSpec(names.parkedRecords(),
                "origin of the record (string, <topic>/<partition>@<offset>)",
                null,
                "Records skipped because not even their dead letter could be written (JSON: parkedAt, route, topic, "
                        + "partition, offset, bytes, reason, failure, encrypted digest); no personal data",
                REFERRAL_RECORD);
        // Latest value per key, so every instance's copy of the history holds what is in force; a referral's entries
        // are deleted (tombstones) when the referral is cancelled, no longer eligible or forgotten after 730 days,
        // and the tombstones themselves leave after the broker's default day.
        this.personAidHistory = new TopicSpec(names.personAidHistory(),
                "person reference, NUL, referral id, NUL, programme (string)",
                null,
                "Internal. The referral state's person history: each aid a person was found eligible for that limits "
                        + "its repeats (seasonal workers' aid: once more, in another calendar year), value the calendar "
                        + "year it counts for (text); every instance reads all of it (a global store) to decide the "
                        + "person's other referrals",
                Map.of("cleanup.policy", "compact"));
    }

    private static Map<String, String> with(Map<String, String> configs, String name, String value) {
        Map<String, String> all = new java.util.HashMap<>(configs);
        all.put(name, value);
        return Map.copyOf(all);
    }


    public TopicSpec referrals() {
        return referrals;
    }

    public TopicSpec eligibilityDecisions() {
        return eligibilityDecisions;
    }

    public TopicSpec deadLetters() {
        return deadLetters;
    }

    public TopicSpec operatorAudit() {
        return operatorAudit;
    }

    public TopicSpec subscriptions() {
        return subscriptions;
    }


    /** The family {@code counselling.{serviceId}}. */
    public TopicSpec counselling() {
        return counselling;
    }

    /** The family {@code feedback.{partnerId}}. */
    public TopicSpec feedback() {
        return feedback;
    }

    public TopicSpec webhookDeliveries() {
        return webhookDeliveries;
    }

    public TopicSpec referralStatusChanges() {
        return referralStatusChanges;
    }

    public TopicSpec intakeSubmissions() {
        return intakeSubmissions;
    }

    public TopicSpec intakeDecisions() {
        return intakeDecisions;
    }

    /** The family {@code intake.{partnerId}}: each social landlord's XML documents. */
    public TopicSpec landlordIntake() {
        return landlordIntake;
    }

    /** The family {@code status.{serviceId}}: each counselling service's status reports. */
    public TopicSpec serviceStatusIntake() {
        return serviceStatusIntake;
    }

    public TopicSpec parkedRecords() {
        return parkedRecords;
    }

    public TopicSpec personAidHistory() {
        return personAidHistory;
    }

    /**
     * The topics the referral state writes in Kafka transactions (exactly_once_v2): each commit leaves a marker that
     * takes an offset and is never delivered, which whoever measures consumer lag must know.
     */
    public Set<String> writtenInTransactions() {
        return Set.of(referrals.name(), referralStatusChanges.name(), intakeDecisions.name(), webhookDeliveries.name(),
                eligibilityDecisions.name(), personAidHistory.name());
    }

    /** Every topic and family of topics (families are created member by member, see {@link TopicSpec#isFamily()}). */
    public List<TopicSpec> all() {
        return List.of(referrals, eligibilityDecisions, deadLetters, operatorAudit, subscriptions, counselling,
                feedback, webhookDeliveries, referralStatusChanges, intakeSubmissions, intakeDecisions, landlordIntake,
                serviceStatusIntake, parkedRecords, personAidHistory);
    }
}
