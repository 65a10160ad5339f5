package fr.referralhub.topics;

import java.util.Map;

import org.apache.avro.Schema;

/**
 * One topic of the hub's contract.
 *
 * @param name        topic name
 * @param key         what the record key is, for readers of the catalog
 * @param valueSchema Avro schema of the value (registered under {@code <name>-value}); null for raw bytes
 * @param purpose     one line for operators and consumers
 * @param configs     topic configs the hub sets when it creates the topic
 */
public record TopicSpec(String name, String key, Schema valueSchema, String purpose, Map<String, String> configs) {

    public String valueSubject() {
        return name + "-value";
    }
}
