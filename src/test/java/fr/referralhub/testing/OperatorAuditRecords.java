package fr.referralhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The operator audit's records (operator-audit.v1), oldest first per partition, as JSON, chosen by their key. */
public final class OperatorAuditRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OperatorAuditRecords() {
    }

    /** What was done or refused through Jolokia (keys {@code jmx:<mbean>/<operation>}). */
    public static List<JsonNode> jolokia(String bootstrapServers, String auditTopic) {
        return withKey(bootstrapServers, auditTopic, key -> key.startsWith("jmx:"));
    }

    public static List<JsonNode> withKey(String bootstrapServers, String auditTopic, Predicate<String> key) {
        return TopicReader.readToEnd(bootstrapServers, auditTopic, r -> r.key() != null && key.test(r.key())).stream()
                .map(r -> {
                    try {
                        return JSON.readTree(r.value());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).toList();
    }
}
