package fr.referralhub.state;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralStatusChange;
import fr.referralhub.kafka.BrokerBreaker;
import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.kafka.Outages;
import fr.referralhub.provenance.HubKafkaClients;
import fr.referralhub.provenance.RecordProvenance;
import fr.referralhub.schemaregistry.AvroSerializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.RecordHeaders;
import fr.referralhub.topics.TopicProvisioner;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Intake's side of the referral ledger: sends a partner event to {@code intake-submissions.v1} under its referral id
 * and waits for the ledger's answer on this instance's partition of {@code intake-decisions.v1}.
 *
 * <p>The answer comes after the ledger's transaction committed: an ACCEPTED event is then on {@code referrals.v1}. If
 * no answer comes in time, the caller is told to retry; the submission stays recorded and is decided all the same,
 * and the retry is recognised as a re-send. Many callers share one producer, so concurrent requests are batched.
 *
 * <p>A broker outage is answered within about {@code hub.kafka.outage.ack-timeout}, not the producer's own timeouts,
 * and while an outage is known sends fail at once ({@link BrokerBreaker}).
 */
@Component
public class IntakeSubmissions implements SmartLifecycle {

    /** Tag of the provenance counter: answers on the intake-decisions topic that the hub did not write, ignored. */
    static final String ANSWERS_CONSUMER = "intake-answers";
    private static final Logger log = LoggerFactory.getLogger(IntakeSubmissions.class);

    /**
     * A partner event ready to publish.
     *
     * @param personReference the person reference of a creation; null for an update or a cancellation (the ledger
     *                        gives it its creation's)
     */
    public record Submission(String referralId, String partnerId, String partnerEventId, String eventId,
                             String eventType, String personReference, String personReferenceBasis,
                             String contentHash, ReferralEvent event) {
    }

    /**
     * A submission sent: the broker's acknowledgement of it, then the ledger's decision. Each completes exceptionally
     * if the send fails.
     */
    public record Submitted(CompletableFuture<Void> acknowledged, CompletableFuture<LedgerDecision> decision) {
    }

    private final HubTopicProperties topics;
    private final KafkaConnection kafka;
    private final SchemaRegistryProperties registry;
    private final ReferralStateProperties properties;
    private final Map<String, Object> producerLimits;
    private final BrokerBreaker breaker;
    /** This process: the key of its answers, so it reads one partition of intake-decisions.v1 only. */
    private final String instanceId = UUID.randomUUID().toString();
    /**
     * Callers of this instance waiting for an answer: in-flight requests only, never state. Each entry leaves when its
     * answer comes, or after {@link #FORGET_AFTER} at the latest, even if nobody awaits it any more (a batch that
     * failed midway), so the map is bounded by the requests of the last minutes, not by history.
     */
    private final Map<String, CompletableFuture<LedgerDecision>> waiting = new ConcurrentHashMap<>();
    private static final Duration FORGET_AFTER = Duration.ofMinutes(2);
    /** Signs the submissions: the referral state decides only what the hub wrote (fr.referralhub.provenance). */
    private final HubKafkaClients kafkaClients;
    /** An answer the referral state did not write is ignored (counted): a caller never gets a forged 202. */
    private final RecordProvenance provenance;
    private volatile Producer<String, byte[]> producer;
    private volatile KafkaConsumer<String, byte[]> answers;
    private AvroSerializer serializer;
    private volatile boolean running;
    private Thread reader;

    public IntakeSubmissions(ReferralState state, HubTopicProperties topics, ReferralStateProperties properties,
                             BrokerBreaker breaker,
                             KafkaConnection kafka,
                             SchemaRegistryProperties registry,
                             @Value("${camel.component.kafka.max-block-ms:5000}") int maxBlockMs,
                             @Value("${camel.component.kafka.delivery-timeout-ms:10000}") int deliveryTimeoutMs,
                             @Value("${camel.component.kafka.request-timeout-ms:5000}") int requestTimeoutMs,
                             HubKafkaClients kafkaClients, RecordProvenance provenance) {
        this.kafkaClients = kafkaClients;
        this.provenance = provenance;
        provenance.expect(ANSWERS_CONSUMER);
        this.topics = topics;
        this.properties = properties;
        this.breaker = breaker;
        // Readiness shows it when the answers stop being read (ReferralState#health).
        state.answersReadBy(() -> running);
        this.kafka = kafka;
        this.registry = registry;
        // A partner waits on this write: fail fast (503) when the broker is unreachable, as the other intake writes.
        this.producerLimits = Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMs,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs);
    }

    /** Sends the event to the ledger, without waiting: {@link #await} its decision. */
    public Submitted submit(Submission submission) {
        return send(submission.referralId(), partnerEvent(submission), true);
    }

    /**
     * Sends the event to the ledger for a partner answered on receipt ({@code Prefer: respond-async}): nobody waits
     * for the decision, so the ledger dead-letters a refusal itself, in its transaction, as for the asynchronous
     * channels. {@link #awaitReceipt} the broker's acknowledgement.
     */
    public CompletableFuture<Void> submitAnsweredOnReceipt(Submission submission) {
        return send(submission.referralId(), partnerEvent(submission), false).acknowledged();
    }

    private Function<Headers, byte[]> partnerEvent(Submission submission) {
        return headers -> {
            add(headers, SubmissionHeaders.KIND, SubmissionHeaders.PARTNER_EVENT);
            add(headers, RecordHeaders.PARTNER_ID, submission.partnerId());
            add(headers, RecordHeaders.PARTNER_EVENT_ID, submission.partnerEventId());
            add(headers, RecordHeaders.EVENT_ID, submission.eventId());
            add(headers, RecordHeaders.EVENT_TYPE, submission.eventType());
            add(headers, RecordHeaders.PERSON_REFERENCE_BASIS, submission.personReferenceBasis());
            add(headers, RecordHeaders.CONTENT_HASH, submission.contentHash());
            add(headers, SubmissionHeaders.PERSON_REFERENCE, submission.personReference());
            // In the wire format of referrals.v1 (its subject, its schema id): the ledger publishes these bytes as
            // they are, and a reader of the submission topic decodes them like a referral event.
            return serializer.serialize(topics.referrals(), submission.event());
        };
    }

    /**
     * Sends a counselling service's status report to the referral state, which judges it against the referral's status there and publishes it to
     * referral-status-changes.v1 if it stands; the future completes with that decision.
     *
     * @param change the change as reported; its previous status and referrer are set by the referral state
     */
    public Submitted submitStatus(ReferralStatusChange change) {
        return send(change.getReferralId(), headers -> {
            add(headers, SubmissionHeaders.KIND, SubmissionHeaders.STATUS_REPORT);
            add(headers, SubmissionHeaders.SERVICE_ID, change.getServiceId());
            return serializer.serialize(topics.referralStatusChanges(), change);
        }, true);
    }

    /**
     * Writes one submission under its referral id, with who waits for the answer, and registers the caller; fails at
     * once while the broker is known to be unreachable.
     *
     * @param content  adds the submission's own headers and returns its value
     * @param answered whether this instance waits for the ledger's decision; if not, the decision future never
     *                 completes but with the send's failure
     */
    private Submitted send(String referralId, Function<Headers, byte[]> content, boolean answered) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        CompletableFuture<LedgerDecision> decision = new CompletableFuture<>();
        Submitted submitted = new Submitted(acknowledged, decision);
        if (!breaker.allowsSend()) {
            TimeoutException outage = new TimeoutException("Kafka did not acknowledge the hub's last sends: nothing was "
                    + "sent; send the event again in a few seconds");
            acknowledged.completeExceptionally(outage);
            decision.completeExceptionally(outage);
            return submitted;
        }
        String correlationId = answered ? UUID.randomUUID().toString() : null;
        if (answered) {
            waiting.put(correlationId, decision);
            decision.whenComplete((answer, failure) -> waiting.remove(correlationId));
            decision.orTimeout(Math.max(FORGET_AFTER.toMillis(), 2 * properties.answerTimeout().toMillis()),
                    TimeUnit.MILLISECONDS);
        }
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        byte[] value;
        try {
            value = content.apply(headers);
        } catch (RuntimeException e) {
            // Not the broker's doing (the registry's, or the content's): the breaker learns nothing from it.
            acknowledged.completeExceptionally(e);
            decision.completeExceptionally(e);
            return submitted;
        }
        if (answered) {
            add(headers, SubmissionHeaders.REPLY_TO, instanceId);
            add(headers, SubmissionHeaders.CORRELATION_ID, correlationId);
        } else {
            add(headers, SubmissionHeaders.ANSWERED_ON_RECEIPT, "true");
        }
        try {
            producer.send(new ProducerRecord<>(topics.intakeSubmissions(), null, referralId, value, headers),
                    (metadata, failure) -> sent(submitted, failure));
        } catch (RuntimeException e) {
            sent(submitted, e);
        }
        return submitted;
    }

    /** The outcome of a send: the breaker learns whether the broker answered, the callers whether it failed. */
    private void sent(Submitted submitted, Exception failure) {
        if (failure == null) {
            breaker.brokerAnswered();
            submitted.acknowledged().complete(null);
            return;
        }
        if (Outages.isTransient(failure)) {
            breaker.brokerUnreachable();
        } else {
            breaker.brokerAnswered();
        }
        submitted.acknowledged().completeExceptionally(failure);
        submitted.decision().completeExceptionally(failure);
    }

    /**
     * Submits and waits for the decision.
     *
     * @throws KafkaException when the event could not be recorded, or no decision came within the answer timeout
     *                        (a {@link TimeoutException}: retriable, the partner gets 503 and re-sends)
     */
    public LedgerDecision decide(Submission submission) {
        return await(submit(submission));
    }

    /**
     * Waits for a decision of {@link #submit}, as {@link #decide} does: first for the broker's acknowledgement of the
     * send ({@link BrokerBreaker#awaitAcknowledgement}: a broker that acknowledged nothing for
     * {@code hub.kafka.outage.ack-timeout} since this wait began is down; a batch awaits its submissions one after the
     * other, so each is judged once its turn comes), then for the decision.
     */
    public LedgerDecision await(Submitted submitted) {
        breaker.awaitAcknowledgement(submitted.acknowledged(), properties.answerTimeout());
        CompletableFuture<LedgerDecision> decision = submitted.decision();
        try {
            return decision.get(properties.answerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            decision.cancel(false);
            throw new TimeoutException("The referral ledger did not decide within " + properties.answerTimeout()
                    + "; the event is recorded and will be decided: send it again, it will be recognised");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("Interrupted while waiting for the referral ledger");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KafkaException kafka) {
                throw kafka;
            }
            if (e.getCause() instanceof java.util.concurrent.TimeoutException) {
                throw new TimeoutException("The referral ledger did not decide in time; the event is recorded and "
                        + "will be decided: send it again, it will be recognised");
            }
            throw new KafkaException("Could not submit the event to the referral ledger: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Waits for the broker's acknowledgement of a {@link #submitAnsweredOnReceipt} send, as {@link #await} does before
     * the decision: once it came, the event is recorded and will be decided.
     *
     * @throws KafkaException when the send failed, or was not acknowledged in time ({@link TimeoutException}:
     *                        retriable, the partner gets 503 and re-sends)
     */
    public void awaitReceipt(CompletableFuture<Void> acknowledged) {
        breaker.awaitAcknowledgement(acknowledged, properties.answerTimeout());
        if (!acknowledged.isDone()) {
            throw new TimeoutException("Kafka did not acknowledge the event within " + properties.answerTimeout()
                    + "; it may still be recorded: send it again, it will be recognised");
        }
        try {
            acknowledged.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof KafkaException kafka) {
                throw kafka;
            }
            throw new KafkaException("Could not submit the event to the referral ledger: " + e.getCause(), e.getCause());
        }
    }

    private static void add(Headers headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void start() {
        serializer = registry.serializer();
        Map<String, Object> producerConfig = kafka.clientConfig(producerLimits);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "referral-hub-intake-submissions");
        producer = kafkaClients.producer(producerConfig, new StringSerializer(), new ByteArraySerializer());
        // Metadata now, while the broker answers: a first send during an outage then fails fast instead of blocking
        // max.block.ms for it. Only a head start: without it the first send fetches the metadata itself.
        try {
            producer.partitionsFor(topics.intakeSubmissions());
        } catch (KafkaException e) {
            log.warn("No metadata yet for {}: the first submission will fetch it ({})", topics.intakeSubmissions(),
                    e.toString());
        }
        answers = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                // Only answers of committed ledger transactions: an ACCEPTED answer means the event is published.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "referral-hub-intake-decisions")),
                new StringDeserializer(), new ByteArrayDeserializer());
        TopicPartition mine = ownPartition();
        answers.assign(List.of(mine));
        answers.seekToEnd(List.of(mine));
        // Resolves the seek now: answers to submissions made after start() returns are all read.
        answers.position(mine, Duration.ofSeconds(30));
        running = true;
        reader = new Thread(this::readAnswers, "intake-decisions-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** The partition the ledger writes this instance's answers to: the producer's default partitioner on its id. */
    private TopicPartition ownPartition() {
        int partitions = answers.partitionsFor(topics.intakeDecisions(), Duration.ofSeconds(30)).size();
        byte[] key = instanceId.getBytes(StandardCharsets.UTF_8);
        return new TopicPartition(topics.intakeDecisions(), Utils.toPositive(Utils.murmur2(key)) % partitions);
    }

    private void readAnswers() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : answers.poll(Duration.ofSeconds(1))) {
                    if (!instanceId.equals(record.key()) || record.value() == null
                            || provenance.check(ANSWERS_CONSUMER, record).isPresent()) {
                        continue;
                    }
                    try {
                        LedgerDecision decision = LedgerDecision.fromJson(record.value());
                        CompletableFuture<LedgerDecision> caller = waiting.get(decision.correlationId());
                        if (caller != null) {
                            caller.complete(decision);
                        }
                    } catch (RuntimeException e) {
                        log.warn("Ignoring an unreadable ledger decision at {}-{}@{}: {}", record.topic(),
                                record.partition(), record.offset(), e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            // stop() woke us up
        } catch (RuntimeException e) {
            log.error("Stopped reading the referral ledger's decisions: intake answers 503 until restarted", e);
        } finally {
            running = false;
            answers.close();
        }
    }

    @Override
    public void stop() {
        running = false;
        if (answers != null) {
            answers.wakeup();
        }
        if (reader != null) {
            try {
                reader.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
        waiting.values().forEach(caller -> caller.completeExceptionally(
                new TimeoutException("The hub is stopping; send the event again")));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the topics exist; stopped after the routes that submit. */
    @Override
    public int getPhase() {
        return TopicProvisioner.PHASE + 1;
    }
}
