package fr.referralhub.counselling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import fr.referralhub.avro.FeedbackKind;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.state.IntakeSubmissions;
import fr.referralhub.state.LedgerDecision;
import fr.referralhub.testing.CanonicalEvents;
import fr.referralhub.testing.TopicReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What counselling tests do to a running hub: submit canonical referral events to its referral state (as intake does,
 * after reading a partner's format), call the admin API, read service topics.
 */
final class CounsellingHub {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final int port;
    private final String bootstrapServers;
    private final SchemaRegistryProperties registry;
    private final IntakeSubmissions submissions;

    CounsellingHub(int port, String bootstrapServers, SchemaRegistryProperties registry,
                   IntakeSubmissions submissions) {
        this.port = port;
        this.bootstrapServers = bootstrapServers;
        this.registry = registry;
        this.submissions = submissions;
    }

    /**
     * Submits a canonical event as intake does, and returns once the referral state accepted it: it is then published,
     * routed, and every record for the services and the referrer is committed, in the same transaction.
     *
     * @param key the person reference of the referral's creation (an update keeps its creation's)
     */
    LedgerDecision publish(ReferralEvent event, String key) {
        return CanonicalEvents.submit(submissions, event, key);
    }

    HttpResponse<String> put(String id, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(id)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Creates a subscription through the admin API, asserting it was accepted. */
    void subscribe(String id, String json) throws Exception {
        HttpResponse<String> response = put(id, json);
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    }

    HttpResponse<String> get(String id) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(id)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String id) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(id)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POST /ops/subscriptions/{id}/restore-configuration, as an operator. */
    HttpResponse<String> restoreConfiguration(String id) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(uri(id) + "/restore-configuration"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

        /** POST /ops/dead-letters/{id}/replay, as an operator (the test hub runs the dev profile: no login). */
    HttpResponse<String> replayDeadLetter(String deadLetterId) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/ops/dead-letters/"
                        + deadLetterId + "/replay")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String id) {
        return URI.create("http://localhost:" + port + "/ops/subscriptions" + (id == null ? "" : "/" + id));
    }

    /** The records of one referral on a topic, decoded. */
    List<ConsumerRecord<String, byte[]>> recordsOf(String topic, String referralId) {
        return TopicReader.readToEnd(bootstrapServers, topic, r -> referralId.equals(r.key()));
    }

    /**
     * Waits until the partner's feedback topic holds {@code count} feedbacks of the referral from counselling (all kinds
     * but DECISION, which the referral state writes for every decided event), and returns them in order.
     */
    List<ReferralFeedback> awaitFeedback(String partnerId, String referralId, int count) {
        String topic = "feedback." + partnerId;
        List<ReferralFeedback> found = await().atMost(Duration.ofSeconds(30)).until(() -> recordsOf(topic, referralId)
                .stream().map(r -> this.<ReferralFeedback>decode(topic, r.value()))
                .filter(f -> f.getKind() != FeedbackKind.DECISION).toList(), feedback -> feedback.size() >= count);
        assertThat(found).as("feedback of %s on %s", referralId, topic).hasSize(count);
        return found;
    }

    /** Waits until the topic holds {@code count} records of the referral, and returns them decoded, in order. */
    <T> List<T> awaitRecords(String topic, String referralId, int count) {
        List<ConsumerRecord<String, byte[]>> records = await().atMost(Duration.ofSeconds(30))
                .until(() -> recordsOf(topic, referralId), found -> found.size() >= count);
        assertThat(records).as("records of %s on %s", referralId, topic).hasSize(count);
        return records.stream().map(r -> this.<T>decode(topic, r.value())).toList();
    }

    @SuppressWarnings("unchecked")
    <T> T decode(String topic, byte[] value) {
        return (T) registry.specificDeserializer().deserialize(topic, value);
    }
}
