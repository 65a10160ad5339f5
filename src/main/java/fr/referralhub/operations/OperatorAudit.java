package fr.referralhub.operations;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.operations.DeadLetter.ReplayState;
import fr.referralhub.provenance.RecordProvenance;
import fr.referralhub.topics.HubTopicProperties;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The record of what operators did with dead letters: who looked at which original (personal data), who replayed
 * which dead letter and with what outcome. Each action is a JSON record on the audit topic (kept forever, keyed by
 * the dead letter so its records stay in order) and an INFO line on the logger {@value #LOGGER}, which a deployment
 * can route to its own store. Neither holds personal data of the people referred: ids, names of operators, outcomes
 * and refusal reasons (which never quote values).
 */
@Component
public class OperatorAudit {

    public static final String LOGGER = "fr.referralhub.audit";
    /** Tag of the provenance counter: audit lines the hub did not write, left out of what operators see. */
    public static final String CONSUMER = "operator-audit";
    public static final String INSPECTED = "DEAD_LETTER_INSPECTED";
    public static final String REPLAYED = "DEAD_LETTER_REPLAYED";
    /** A JMX operation or attribute write asked through Jolokia (the Hawtio console or a script). */
    public static final String JOLOKIA_EXEC = "JOLOKIA_EXEC";
    public static final String JOLOKIA_WRITE = "JOLOKIA_WRITE";

    private static final Logger audit = LoggerFactory.getLogger(LOGGER);
    private static final String WRITER = "direct:operator-audit";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final AtomicInteger READERS = new AtomicInteger();

    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final KafkaConnection kafka;
    private final String topic;
    private final String deadLetterTopic;
    private final Clock clock = Clock.systemUTC();
    private final RecordProvenance provenance;

    public OperatorAudit(ProducerTemplate producer, ObjectMapper json, HubTopicProperties topics,
                         KafkaConnection kafka,
                         RecordProvenance provenance) {
        this.provenance = provenance;
        provenance.expect(CONSUMER);
        this.producer = producer;
        this.json = json;
        this.kafka = kafka;
        this.topic = topics.operatorAudit();
        this.deadLetterTopic = topics.deadLetters();
    }

    /**
     * One operator action.
     *
     * @param actor      who (the login, {@code dev-anonymous} in the dev profile, {@code jmx} for an unknown JMX user)
     * @param channel    how: HTTP or JMX
     * @param target     what: {@code dead-letter:<topic>/<id>}
     * @param outcome    for a replay: PUBLISHED, DUPLICATE, REFUSED; null for an inspection
     * @param referralId for a replay that published or found a duplicate
     * @param reasons    for a refused replay
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Entry(Instant at, String actor, String channel, String action, String target, String outcome,
                        String referralId, List<String> reasons) {
    }

    /** Records an inspection; returns only once it is stored, so nothing is shown that is not audited. */
    public void inspected(String actor, String channel, String deadLetterId) {
        write(new Entry(clock.instant(), actor, channel, INSPECTED, target(deadLetterId), null, null, null));
    }

    /**
     * Records a replay, which has happened by now: if the audit topic cannot store it, the log line (at ERROR) is
     * its only record and the operator still gets the outcome, since answering "failed" would invite a replay that
     * is not needed.
     */
    public void replayed(String actor, String channel, String deadLetterId, String outcome, String referralId,
                         List<String> reasons) {
        Entry entry = new Entry(clock.instant(), actor, channel, REPLAYED, target(deadLetterId), outcome, referralId,
                reasons);
        try {
            write(entry);
        } catch (AuditUnavailable e) {
            audit.error("{} {} {} via {}: {}{} (NOT stored on {}: {})", entry.actor(), entry.action(), entry.target(),
                    entry.channel(), entry.outcome(), entry.referralId() == null ? "" : " referral " + entry.referralId(),
                    topic, e.getCause().toString());
        }
    }

    /**
     * Records a Jolokia exec or write (fr.referralhub.security.JolokiaOperationGuard): ALLOWED before it runs, and
     * only once stored (like an inspection: {@link AuditUnavailable} otherwise, and it does not run), or REFUSED with
     * the reason. The target is {@code jmx:<mbean>/<operation or attribute>}, never the arguments or the written value
     * (a Camel sendBody's argument is a message body).
     */
    public void jolokia(String actor, String action, String target, String outcome, List<String> reasons) {
        write(new Entry(clock.instant(), actor, "JOLOKIA", action, "jmx:" + target, outcome, null, reasons));
    }

    /** The audit key of a dead letter: the topic is in it, so ids stay unambiguous if the topic is ever renamed. */
    public String target(String deadLetterId) {
        return "dead-letter:" + deadLetterTopic + "/" + deadLetterId;
    }

    private void write(Entry entry) {
        String value;
        try {
            value = json.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write an audit entry", e);
        }
        Exchange sent = producer.send(WRITER, exchange -> {
            exchange.getMessage().setBody(value);
            exchange.getMessage().setHeader(KafkaConstants.KEY, entry.target());
        });
        if (sent.getException() != null) {
            throw new AuditUnavailable(sent.getException());
        }
        audit.info("{} {} {} via {}{}", entry.actor(), entry.action(), entry.target(), entry.channel(),
                entry.outcome() == null ? "" : ": " + entry.outcome()
                        + (entry.referralId() == null ? "" : " referral " + entry.referralId()));
    }

    /** The audit topic could not store an entry: the action it would have recorded must not happen (503). */
    public static class AuditUnavailable extends RuntimeException {
        AuditUnavailable(Throwable cause) {
            super("The audit record could not be stored; nothing was done", cause);
        }
    }

    /** Every replay recorded so far, by dead-letter id: the last outcome, who, when, and how many attempts. */
    public Map<String, ReplayState> replays() {
        Map<String, ReplayState> states = new HashMap<>();
        String prefix = target("");
        for (Entry entry : entries()) {
            if (REPLAYED.equals(entry.action()) && entry.target() != null && entry.target().startsWith(prefix)) {
                String id = entry.target().substring(prefix.length());
                ReplayState earlier = states.get(id);
                states.put(id, new ReplayState(entry.outcome(), entry.actor(), entry.at(), entry.channel(),
                        entry.referralId() != null || earlier == null ? entry.referralId() : earlier.referralId(),
                        earlier == null ? 1 : earlier.attempts() + 1));
            }
        }
        return states;
    }

    /**
     * The whole audit topic. Operators' actions are few (people clicking), so reading it all with a short-lived
     * consumer is cheap. Entries of one target are on one partition, in the order they were written, which is all
     * replay states need. An entry the hub did not write is left out (and counted once): a forged "replayed" line
     * would otherwise make a decision's replay answer DUPLICATE, or show a replay nobody did.
     */
    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "referral-hub-audit-reader-" + READERS.incrementAndGet())),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new LinkedHashMap<>(consumer.endOffsets(partitions, TIMEOUT));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), TIMEOUT) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic + " within " + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (provenance.checkEachOnce(CONSUMER, record).isEmpty()) {
                        entries.add(parse(record.value()));
                    }
                }
            }
        }
        return entries;
    }

    private Entry parse(byte[] value) {
        try {
            JsonNode node = json.readTree(value);
            List<String> reasons = new ArrayList<>();
            node.path("reasons").forEach(reason -> reasons.add(reason.asText()));
            return new Entry(node.hasNonNull("at") ? Instant.parse(node.get("at").asText()) : null,
                    text(node, "actor"), text(node, "channel"), text(node, "action"), text(node, "target"),
                    text(node, "outcome"), text(node, "referralId"), reasons);
        } catch (IOException | RuntimeException e) {
            // Not an entry this version can read: it records no replay.
            return new Entry(null, null, null, null, null, null, null, List.of());
        }
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }
}
