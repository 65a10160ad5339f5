package fr.referralhub.topics;

import java.util.List;
import java.util.Map;

import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.ReferralEvent;
import org.springframework.stereotype.Component;

/**
 * The one list of the hub's topics, with their keys and schemas. Routes refer to topics by the property names
 * of {@link HubTopicProperties}; consumers of the hub read this list (and the README table made from it).
 */
@Component
public class TopicCatalog {

    /** Referral history is the source of truth (de-duplication is rebuilt from it): keep it until anonymised. */
    private static final Map<String, String> KEEP_FOREVER = Map.of("retention.ms", "-1");

    private final TopicSpec referrals;
    private final TopicSpec eligibilityDecisions;
    private final TopicSpec deadLetters;
    private final TopicSpec operatorAudit;

    public TopicCatalog(HubTopicProperties names) {
        this.referrals = new TopicSpec(names.referrals(),
                "person reference (string): one person's events stay in order",
                ReferralEvent.getClassSchema(),
                "Canonical referral events (created, updated, cancelled) from every partner channel",
                KEEP_FOREVER);
        this.eligibilityDecisions = new TopicSpec(names.eligibilityDecisions(),
                "person reference (string)",
                EligibilityDecision.getClassSchema(),
                "Housing-aid and programme eligibility decisions, one per referral event",
                Map.of());
        this.deadLetters = new TopicSpec(names.deadLetters(),
                "original key (bytes)",
                null,
                "Records the hub could not process: original bytes, reason in __connect.errors.* headers",
                KEEP_FOREVER);
        // Who looked at which dead letter's personal data and who replayed what: proof owed to the people concerned
        // and to the data-protection officer, so kept as long as the dead letters themselves.
        this.operatorAudit = new TopicSpec(names.operatorAudit(),
                "what the operator acted on (string, e.g. dead-letter:dead-letters.v1/1-42): its records stay in order",
                null,
                "Operators' actions on personal data and replays (JSON: at, actor, action, target, outcome); no personal data",
                KEEP_FOREVER);
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

    public List<TopicSpec> all() {
        return List.of(referrals, eligibilityDecisions, deadLetters, operatorAudit);
    }
}
