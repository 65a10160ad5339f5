package fr.referralhub.counselling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.AvroSerializer;
import fr.referralhub.testing.TopicReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/** What counselling tests do to a running hub: publish referral events, call the admin API, read service topics. */
final class CounsellingHub {

    static final String GROUP = "referral-hub-counselling";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final int port;
    private final String bootstrapServers;
    private final String registryUrl;
    private final String referralsTopic;

    CounsellingHub(int port, String bootstrapServers, String registryUrl, String referralsTopic) {
        this.port = port;
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.referralsTopic = referralsTopic;
    }

    /** Publishes a canonical event as the intake does (key: the person reference of the referral's creation). */
    RecordMetadata publish(ReferralEvent event, String key) throws Exception {
        try (var producer = new KafkaProducer<String, Object>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class,
                "schema.registry.url", registryUrl))) {
            return producer.send(new ProducerRecord<>(referralsTopic, key, event)).get();
        }
    }

    /** Returns once the counselling route committed past this record: everything it produced for it is acknowledged. */
    void awaitProcessed(RecordMetadata published) throws Exception {
        TopicPartition partition = new TopicPartition(published.topic(), published.partition());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata().get();
                assertThat(committed.get(partition)).as("committed offset of %s", partition).isNotNull();
                assertThat(committed.get(partition).offset()).isGreaterThan(published.offset());
            });
        }
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

    /** Waits until the topic holds {@code count} records of the referral, and returns them decoded, in order. */
    <T> List<T> awaitRecords(String topic, String referralId, int count) {
        List<ConsumerRecord<String, byte[]>> records = await().atMost(Duration.ofSeconds(30))
                .until(() -> recordsOf(topic, referralId), found -> found.size() >= count);
        assertThat(records).as("records of %s on %s", referralId, topic).hasSize(count);
        return records.stream().map(r -> this.<T>decode(topic, r.value())).toList();
    }

    @SuppressWarnings("unchecked")
    <T> T decode(String topic, byte[] value) {
        AvroDeserializer avro = new AvroDeserializer();
        avro.configure(Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
        return (T) avro.deserialize(topic, value);
    }
}
