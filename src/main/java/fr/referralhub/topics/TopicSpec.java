package fr.referralhub.topics;

import java.util.Map;

import org.apache.avro.Schema;

/**
 * One topic of the hub's contract, or one family of topics of the same shape (one per counselling service, one per
 * partner): a family's name holds a placeholder, e.g. {@code counselling.{serviceId}}, and each of its topics is
 * created when its owner appears.
 *
 * @param name        topic name, or the family's name with its placeholder in braces
 * @param key         what the record key is, for readers of the catalog
 * @param valueSchema Avro schema of the value (registered under {@code <name>-value}); null for raw bytes or JSON
 * @param purpose     one line for operators and consumers
 * @param configs     topic configs the hub sets when it creates the topic
 */
public record TopicSpec(String name, String key, Schema valueSchema, String purpose, Map<String, String> configs) {

    /** The subject of the values; for a family, the placeholder one (the schema history is kept per family). */
    public String valueSubject() {
        return name + "-value";
    }

    /** A family of topics ({@code counselling.{serviceId}}), not a topic of its own. */
    public boolean isFamily() {
        return name.contains("{");
    }

    /** The topic of one member of a family: {@code counselling.{serviceId}} for {@code adil-93} is {@code counselling.adil-93}. */
    public String member(String id) {
        if (!isFamily()) {
            throw new IllegalStateException(name + " is a topic, not a family of topics");
        }
        return name.replaceAll("\\{[^}]+}", id);
    }
}
