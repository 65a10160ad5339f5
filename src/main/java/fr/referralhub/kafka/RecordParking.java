package fr.referralhub.kafka;

import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.kafkaclient.KafkaConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The last resort for a record whose dead letter cannot be written, not even as a digest: it is parked, that is
 * skipped, so that it never blocks the records behind it on its partition. Parking leaves a trace everywhere an
 * operator looks: a tiny JSON entry on {@code parked-records.v1} (origin, size, reasons, the encrypted digest; read by
 * {@code /ops/dead-letters} from every instance), an ERROR log line with the origin, and the counter
 * {@value #METRIC}{route,topic}, which an alert watches. The record itself stays on its topic until its retention
 * ends: the origin is where to read it again.
 *
 * <p>The counter exists at 0 from start-up for every consuming route and topic it reads (Camel's Kafka routes once the
 * application is ready, patterns resolved against the broker's topics; the webhook senders when they subscribe):
 * Prometheus sees no increase in a counter born at its first record, so RecordsParked would miss the first one.
 */
@Component
class RecordParking {

    /** Counter of records parked ({@code hub_records_parked_total} on /actuator/prometheus). */
    static final String METRIC = "hub.records.parked";
    private static final String WRITER = "direct:parked-record";
    private static final Logger log = LoggerFactory.getLogger(RecordParking.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProducerTemplate producer;
    private final DeadLetterCipher cipher;
    private final MeterRegistry meters;

    private final KafkaConnection kafka;

    RecordParking(ProducerTemplate producer, DeadLetterCipher cipher, MeterRegistry meters,
                  KafkaConnection kafka) {
        this.producer = producer;
        this.cipher = cipher;
        this.meters = meters;
        this.kafka = kafka;
    }

    /** A consumer that may park records of these topics: their series exist from now, at 0. */
    void expect(String routeId, Collection<String> topics) {
        topics.forEach(topic -> counter(routeId, topic));
    }

    /** Camel's Kafka routes and the topics each reads (a pattern: the broker's topics it matches now). */
    @EventListener(ApplicationReadyEvent.class)
    void expectKafkaRoutes() {
        List<String> brokerTopics = null;
        for (Route route : producer.getCamelContext().getRoutes()) {
            if (!(route.getEndpoint() instanceof KafkaEndpoint kafka)) {
                continue;
            }
            KafkaConfiguration consumer = kafka.getConfiguration();
            if (!consumer.isTopicIsPattern()) {
                expect(route.getRouteId(), List.of(consumer.getTopic().split(",")));
                continue;
            }
            if (brokerTopics == null) {
                brokerTopics = brokerTopics();
            }
            Pattern pattern = Pattern.compile(consumer.getTopic());
            expect(route.getRouteId(), brokerTopics.stream().filter(topic -> pattern.matcher(topic).matches()).toList());
        }
    }

    /** The partners' and services' own topics are created before the routes start, so they are all there now. */
    private List<String> brokerTopics() {
        try (Admin admin = Admin.create(kafka.clientConfig(Map.of(
                // Kafka refuses an API timeout shorter than the request timeout (30 s by default): both bounded.
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000)))) {
            return List.copyOf(admin.listTopics().names().get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (ExecutionException | TimeoutException e) {
            // Only the zeros are missing: a parked record of these topics still counts, from 1.
            log.warn("Could not list the topics to count parked records from 0: {}", e.toString());
            return List.of();
        }
    }

    /**
     * Parks a consumed record and returns once its entry is acknowledged; the caller then goes on as if it had been
     * dead-lettered (its offset is committed).
     *
     * @param cause   why the record was refused
     * @param failure why its dead letter could not be written
     * @throws IllegalStateException when not even the entry can be written (an outage): the batch is consumed again
     */
    void park(Exchange record, String routeId, Exception cause, Exception failure, long bytes, byte[] digest) {
        var message = record.getMessage();
        String topic = message.getHeader(KafkaConstants.TOPIC, String.class);
        String partition = String.valueOf(message.getHeader(KafkaConstants.PARTITION));
        String offset = String.valueOf(message.getHeader(KafkaConstants.OFFSET));
        String origin = topic + "/" + partition + "@" + offset;
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("parkedAt", Instant.now().toString());
        entry.put("route", routeId);
        entry.put("topic", topic);
        entry.put("partition", partition);
        entry.put("offset", offset);
        entry.put("bytes", bytes);
        entry.put("reason", cause instanceof OversizedRecordException ? cause.getMessage()
                : String.valueOf(message.getHeader(DeadLetters.REASONS, cause.toString(), String.class)));
        entry.put("failure", failure.toString());
        // Encrypted like a dead letter: a digest of a short document is a guessable fingerprint of its content.
        entry.put("keyId", cipher.keyId());
        entry.put("digest", Base64.getEncoder().encodeToString(cipher.encrypt(digest)));
        String value;
        try {
            value = JSON.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the parked entry of " + origin, e);
        }
        log.error("Parking record {} of route {} ({} bytes): its dead letter could not be written ({}); it is "
                + "skipped, listed on /ops/dead-letters and counted in {}", origin, routeId, bytes, failure.toString(),
                METRIC);
        Exchange sent = producer.send(WRITER, exchange -> {
            exchange.getMessage().setHeader(KafkaConstants.KEY, origin);
            exchange.getMessage().setBody(value);
        });
        if (sent.getException() != null) {
            throw new IllegalStateException("Could not dead-letter nor park record " + origin
                    + "; the batch will be consumed again", sent.getException());
        }
        counter(routeId, topic).increment();
    }

    private Counter counter(String routeId, String topic) {
        return Counter.builder(METRIC).description("Records skipped because not even their dead letter could be written")
                .tag("route", String.valueOf(routeId)).tag("topic", String.valueOf(topic)).register(meters);
    }
}
