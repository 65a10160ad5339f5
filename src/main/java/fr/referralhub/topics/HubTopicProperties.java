package fr.referralhub.topics;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code hub.topics.*}: topic names and sizing. What each topic carries is in {@link TopicCatalog}. */
@ConfigurationProperties("hub.topics")
public record HubTopicProperties(
        @DefaultValue("referrals.v1") String referrals,
        @DefaultValue("eligibility-decisions.v1") String eligibilityDecisions,
        @DefaultValue("dead-letters.v1") String deadLetters,
        @DefaultValue("operator-audit.v1") String operatorAudit,
        @DefaultValue("3") int partitions,
        @DefaultValue("1") short replicationFactor) {
}
