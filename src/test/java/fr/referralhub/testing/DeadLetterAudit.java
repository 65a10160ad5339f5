package fr.referralhub.testing;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** The operator audit records of one dead letter (inspections, replays), oldest first, as JSON. */
public final class DeadLetterAudit {

    private DeadLetterAudit() {
    }

    public static List<JsonNode> of(String bootstrapServers, String auditTopic, String deadLettersTopic,
                                    String deadLetterId) {
        String target = "dead-letter:" + deadLettersTopic + "/" + deadLetterId;
        return OperatorAuditRecords.withKey(bootstrapServers, auditTopic, target::equals);
    }
}
