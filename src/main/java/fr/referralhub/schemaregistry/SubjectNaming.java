package fr.referralhub.schemaregistry;

/** Confluent's default TopicNameStrategy: the subject of a topic's values is {@code <topic>-value}, of its keys {@code <topic>-key}. */
public final class SubjectNaming {

    private SubjectNaming() {
    }

    public static String subject(String topic, boolean isKey) {
        return isKey ? keySubject(topic) : valueSubject(topic);
    }

    public static String valueSubject(String topic) {
        return topic + "-value";
    }

    public static String keySubject(String topic) {
        return topic + "-key";
    }
}
