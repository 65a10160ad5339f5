package fr.referralhub.topics;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hub.topics.*}: topic names and sizing. What each topic carries is in {@link TopicCatalog}.
 *
 * @param counsellingPrefix prefix of each counselling service's topic ({@code counselling.<serviceId>})
 * @param feedbackPrefix    prefix of each referring partner's feedback topic ({@code feedback.<partnerId>})
 * @param webhookDeliveries outbox of webhook deliveries, keyed by subscription id, read by the webhook sender
 * @param referralStatusChanges accepted status changes reported by counselling services (the status state)
 * @param intakeSubmissions     partner events on their way to the referral ledger, keyed by referral id
 * @param intakeDecisions       the ledger's answers to intake, keyed by the asking hub instance
 * @param parkedRecords         records skipped because not even their dead letter could be written (origin only)
 * @param personAidHistory      the referral state's person history: aids a person was found eligible for
 */
@ConfigurationProperties("hub.topics")
public record HubTopicProperties(
        @DefaultValue("referrals.v1") String referrals,
        @DefaultValue("eligibility-decisions.v1") String eligibilityDecisions,
        @DefaultValue("dead-letters.v1") String deadLetters,
        @DefaultValue("operator-audit.v1") String operatorAudit,
        @DefaultValue("3") int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue("subscriptions.v1") String subscriptions,
        @DefaultValue("counselling.") String counsellingPrefix,
        @DefaultValue("feedback.") String feedbackPrefix,
        @DefaultValue("webhook-deliveries.v1") String webhookDeliveries,
        @DefaultValue("referral-status-changes.v1") String referralStatusChanges,
        @DefaultValue("intake-submissions.v1") String intakeSubmissions,
        @DefaultValue("intake-decisions.v1") String intakeDecisions,
        @DefaultValue("parked-records.v1") String parkedRecords,
        @DefaultValue("person-aid-history.v1") String personAidHistory) {

    /** The constructor Spring binds (a record with a second constructor must say which). */
    @ConstructorBinding
    public HubTopicProperties {
    }

    /** The names of the first topics, the later ones with their defaults (tests of the older topics). */
    public HubTopicProperties(String referrals, String eligibilityDecisions, String deadLetters, int partitions,
                              short replicationFactor) {
        this(referrals, eligibilityDecisions, deadLetters, "operator-audit.v1", partitions, replicationFactor);
    }

    /** The names of the first topics and the audit topic, the counselling ones with their defaults. */
    public HubTopicProperties(String referrals, String eligibilityDecisions, String deadLetters, String operatorAudit,
                              int partitions, short replicationFactor) {
        this(referrals, eligibilityDecisions, deadLetters, operatorAudit, partitions, replicationFactor,
                "subscriptions.v1", "counselling.", "feedback.");
    }

    /** Every name but the webhook outbox's and the status changes topic's (tests written before they existed). */
    public HubTopicProperties(String referrals, String eligibilityDecisions, String deadLetters, String operatorAudit,
                              int partitions, short replicationFactor, String subscriptions,
                              String counsellingPrefix, String feedbackPrefix) {
        this(referrals, eligibilityDecisions, deadLetters, operatorAudit, partitions, replicationFactor, subscriptions,
                counsellingPrefix, feedbackPrefix, "webhook-deliveries.v1",
                "referral-status-changes.v1", "intake-submissions.v1", "intake-decisions.v1");
    }

    /** Every name but the parked records' (tests written before it existed). */
    public HubTopicProperties(String referrals, String eligibilityDecisions, String deadLetters, String operatorAudit,
                              int partitions, short replicationFactor, String subscriptions,
                              String counsellingPrefix, String feedbackPrefix, String webhookDeliveries,
                              String referralStatusChanges, String intakeSubmissions, String intakeDecisions) {
        this(referrals, eligibilityDecisions, deadLetters, operatorAudit, partitions, replicationFactor, subscriptions,
                counsellingPrefix, feedbackPrefix, webhookDeliveries, referralStatusChanges, intakeSubmissions,
                intakeDecisions, "parked-records.v1");
    }

    /** Every name but the person history's (tests written before it existed). */
    public HubTopicProperties(String referrals, String eligibilityDecisions, String deadLetters, String operatorAudit,
                              int partitions, short replicationFactor, String subscriptions,
                              String counsellingPrefix, String feedbackPrefix, String webhookDeliveries,
                              String referralStatusChanges, String intakeSubmissions, String intakeDecisions,
                              String parkedRecords) {
        this(referrals, eligibilityDecisions, deadLetters, operatorAudit, partitions, replicationFactor, subscriptions,
                counsellingPrefix, feedbackPrefix, webhookDeliveries, referralStatusChanges, intakeSubmissions,
                intakeDecisions, parkedRecords, "person-aid-history.v1");
    }
}
