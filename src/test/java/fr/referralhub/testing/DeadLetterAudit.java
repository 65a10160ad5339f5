package fr.referralhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The operator audit records of one dead letter (inspections, replays), oldest first, as JSON. */
public final class DeadLetterAudit {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DeadLetterAudit() {
    }

    public static List<JsonNode> of(String bootstrapServers, String auditTopic, String deadLettersTopic,
                                    String deadLetterId) {
        String target = "dead-letter:" + deadLettersTopic + "/" + deadLetterId;
        return TopicReader.readToEnd(bootstrapServers, auditTopic, r -> target.equals(r.key())).stream()
                .map(r -> {
                    try {
                        return JSON.readTree(r.value());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).toList();
    }
}
