package fr.referralhub.counselling.webhook;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.kafka.Outages;
import fr.referralhub.provenance.RecordProvenance;
import fr.referralhub.provenance.UntrustedRecordException;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.topics.TopicProvisioner;
import org.apache.avro.generic.IndexedRecord;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reads Avro records from Kafka and POSTs each as signed JSON ({@link WebhookJson}, {@link WebhookSignature}) to the
 * webhook of its lane, with retries and dead letters. Two flows use it: counselling subscriptions
 * ({@link WebhookSender}, lanes = subscriptions) and referrers' feedback ({@link FeedbackWebhookSender}, lanes =
 * partners); a subclass says which topics, which lane, which URL and secret, and what to count.
 *
 * <p>Why not a Camel batch route with {@code kafkaOffsets} like the other consumers: those wait, on the consumer
 * thread, for every output of a batch before committing. A webhook receiver may be down for minutes, and backoffs
 * on the poll thread would exceed {@code max.poll.interval.ms} (STACK-NOTES) and hold every other lane behind it. So
 * this consumer never waits on a receiver:
 * <ul>
 * <li>the poll thread only hands each record to its lane, and commits;</li>
 * <li>a lane sends its records one after the other, in topic order (an update never overtakes its creation), with
 * non-blocking HTTP ({@link HttpClient#sendAsync}) and retries scheduled on a timer, never slept; other lanes go on
 * meanwhile;</li>
 * <li>per partition, the committed offset is the first record not yet ended (delivered or dead-lettered): records
 * end out of order across lanes, and nothing is committed past one that has not ended. A crash or rebalance sends
 * again what was not committed (at-least-once: receivers de-duplicate on {@code X-Hub-Delivery-Id});</li>
 * <li>a partition holding its share of {@code hub.webhooks.max-in-flight} records not ended is paused (the consumer
 * keeps polling, so it stays in its group) and resumed once its lanes drain; the other partitions go on. Every
 * partition pauses at twice that many in all, rebalances included.</li>
 * </ul>
 * 2xx is delivered ({@link #delivered} may do more before the delivery ends); 4xx other than 408 and 429 (and 3xx:
 * redirects are not followed) is refused by the receiver and dead-lettered at once; anything else (5xx, 408, 429,
 * timeout, connection refused) is retried with exponential backoff, then dead-lettered. Dead letters go to the shared
 * dead-letter topic like every other route's (original record encrypted, {@code __connect.errors.*}, connector name =
 * the flow's route name, the record's {@code hub.*} headers), so operators list and inspect them with the same API.
 *
 * <p>Not a dependant of the CamelContext (a Spring lifecycle bean starts its lifecycle dependencies first, and the
 * context would then start before its routes are loaded): dead letters go through {@link DeadLetters}.
 */
public abstract class SignedWebhookSender implements SmartLifecycle {

    /** Dead-letter headers: attempts made and the receiver's last HTTP status (none when it never answered). */
    public static final String ATTEMPTS = "hub.webhook.attempts";
    /** Results counted by {@link #count}: a delivery acknowledged, an attempt that failed, a delivery given up. */
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
    public static final String DEAD_LETTERED = "dead_lettered";
    public static final List<String> RESULTS = List.of(DELIVERED, FAILED, DEAD_LETTERED);
    public static final String LAST_STATUS = "hub.webhook.last-status";

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String route;
    private final String group;
    private final KafkaConnection kafka;
    private final WebhookSecrets secrets;
    protected final WebhookProperties properties;
    private final DeadLetters deadLetters;
    private final AvroDeserializer deserializer;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Progress> progress = new ConcurrentHashMap<>();
    /** Deliveries in the lanes, whatever their partition's progress became. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private HttpClient http;
    /** Timers of retries, and the end of each attempt (dead-letter writes): never the HTTP wait itself. */
    protected ScheduledExecutorService scheduler;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private Thread poller;
    /** A record the hub did not write is never POSTed (fr.referralhub.provenance). */
    private final RecordProvenance provenance;
    /** The lane of refused records: no subscription's nor partner's, whatever their headers claim. */
    private static final String REFUSED_LANE = "(refused for its provenance)";

    /**
     * @param route name of the flow where routes are named: dead letters, logs
     * @param group consumer group (its committed offsets say what has ended)
     */
    protected SignedWebhookSender(String route, String group, KafkaConnection kafka,
                                  SchemaRegistryProperties registry, WebhookSecrets secrets,
                                  WebhookProperties properties, DeadLetters deadLetters, RecordProvenance provenance) {
        this.provenance = provenance;
        provenance.expect(route);
        this.route = route;
        this.group = group;
        this.kafka = kafka;
        this.secrets = secrets;
        this.properties = properties;
        this.deadLetters = deadLetters;
        this.deserializer = registry.specificDeserializer();
    }

    // ---- what a flow says -----------------------------------------------------------------------------------------

    /** Where a lane's records go: URL, name of the signing secret, and headers of the flow (X-Hub-...). */
    protected record Target(URI url, String secretRef, Map<String, String> headers) {
    }

    /** The topics to read, asked when the consumer (re)connects; empty: nothing to read, the sender idles. */
    protected abstract Collection<String> topics();

    /** The lane of a record (its records are sent one after the other); null: nothing to send, the record ends. */
    protected abstract String laneOf(ConsumerRecord<String, byte[]> record);

    /**
     * Where this delivery goes now.
     *
     * @throws WebhookDeliveryException why it cannot be sent (dead-lettered with that reason)
     */
    protected abstract Target targetOf(Delivery delivery);

    /** The delivery id of a decoded record (stable: the receiver de-duplicates on it). */
    protected abstract String deliveryIdOf(IndexedRecord decoded);

    /** The type of record this flow sends (others are dead-lettered as unreadable). */
    protected abstract Class<? extends IndexedRecord> recordType();

    /** Counts a result (delivered, failed, dead_lettered) of a lane. */
    protected abstract void count(String lane, String result);

    /** After a 2xx: what the flow does before the delivery ends; it must call {@code end} once done. */
    protected void delivered(Delivery delivery, Runnable end) {
        end.run();
    }

    /** Extra headers of a dead letter of this flow. */
    protected void describeDeadLetter(Delivery delivery, Message message) {
    }

    // ---- poll thread -------------------------------------------------------------------------------------------

    private void poll() {
        while (running) {
            Collection<String> topics;
            try {
                topics = topics();
            } catch (RuntimeException e) {
                log.error("{}: cannot get its topics ready; trying again in {}", route, properties.maxDelay(), e);
                awaitStop(properties.maxDelay());
                continue;
            }
            if (topics.isEmpty()) {
                log.info("{}: no webhook to send to, nothing to read", route);
                return;
            }
            deadLetters.expect(route, topics);
            try (KafkaConsumer<String, byte[]> opened = new KafkaConsumer<>(consumerConfig())) {
                consumer = opened;
                opened.subscribe(List.copyOf(topics), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        commitEnded(opened);
                        // Their records not ended go on in their lanes; the new owner sends them again.
                        partitions.forEach(progress::remove);
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    }
                });
                while (running) {
                    for (ConsumerRecord<String, byte[]> record : opened.poll(Duration.ofMillis(100))) {
                        accept(record);
                    }
                    commitEnded(opened);
                    pauseFullPartitions(opened);
                }
                commitEnded(opened);
            } catch (WakeupException stopping) {
                // stop(): leave the loop.
            } catch (RuntimeException e) {
                // Not ended records were not committed: a new consumer reads them again.
                log.error("{} consumer failed; reconnecting from the last committed offsets", route, e);
                progress.clear();
            }
        }
    }

    private final Object stopSignal = new Object();

    private void awaitStop(Duration limit) {
        synchronized (stopSignal) {
            try {
                if (running) {
                    stopSignal.wait(limit.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Properties consumerConfig() {
        Properties config = new Properties();
        config.putAll(kafka.clientConfig(Map.of()));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The outbox and the feedback topics are written in the referral state's transactions: a record of one that
        // is aborted (its instance killed before the commit) must never reach a receiver.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        return config;
    }

    private void accept(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Progress partitionProgress = progress.computeIfAbsent(partition, p -> new Progress());
        partitionProgress.accepted(record.offset());
        Optional<String> refusal = provenance.check(route, record);
        String lane = refusal.isPresent() ? REFUSED_LANE : laneOf(record);
        if (lane == null) {
            partitionProgress.ended(record.offset());
            return;
        }
        log.debug("{}: record {}-{}@{} for lane {}", route, record.topic(), record.partition(), record.offset(), lane);
        inFlight.incrementAndGet();
        Delivery delivery = new Delivery(record, partitionProgress, lane);
        delivery.refusal = refusal.orElse(null);
        lanes.computeIfAbsent(lane, id -> new Lane()).add(delivery);
    }

    /**
     * Pauses the partitions holding their share of {@code max-in-flight} records not ended, resumes the others. Per
     * partition, not for all: a receiver down for hours fills its own partition's share, and the subscriptions keyed
     * to the other partitions go on. The consumer keeps polling, so it stays in its group.
     */
    private void pauseFullPartitions(KafkaConsumer<String, byte[]> opened) {
        Set<TopicPartition> assigned = opened.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        int share = Math.max(1, properties.maxInFlight() / assigned.size());
        Set<TopicPartition> full = new HashSet<>();
        if (inFlight.get() >= 2 * properties.maxInFlight()) {
            // The memory bound: deliveries of a partition revoked and assigned again are in their lanes twice, and
            // only this count, kept by the lanes, sees both.
            full.addAll(assigned);
        }
        for (TopicPartition partition : assigned) {
            Progress partitionProgress = progress.get(partition);
            if (partitionProgress != null && partitionProgress.pending.size() >= share) {
                full.add(partition);
            }
        }
        Set<TopicPartition> drained = new HashSet<>(opened.paused());
        drained.removeAll(full);
        if (!drained.isEmpty()) {
            opened.resume(drained);
        }
        if (!full.isEmpty()) {
            opened.pause(full);
        }
    }

    /** Commits, per partition, the first offset not ended: what is before it is delivered or dead-lettered. */
    private void commitEnded(KafkaConsumer<String, byte[]> opened) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        progress.forEach((partition, p) -> {
            long committable = p.committable();
            if (committable > p.committed) {
                offsets.put(partition, new OffsetAndMetadata(committable));
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        opened.commitSync(offsets);
        offsets.forEach((partition, offset) -> {
            Progress p = progress.get(partition);
            if (p != null) {
                p.committed = offset.offset();
            }
        });
    }

    // ---- lanes ---------------------------------------------------------------------------------------------------

    /** Offsets of one partition handed to lanes and not ended yet. */
    private static final class Progress {
        private final ConcurrentSkipListSet<Long> pending = new ConcurrentSkipListSet<>();
        /** The offset after the last accepted record (poll thread only). */
        private long next = -1;
        /** Last committed offset (poll thread only). */
        private long committed = -1;

        void accepted(long offset) {
            pending.add(offset);
            next = offset + 1;
        }

        void ended(long offset) {
            pending.remove(offset);
        }

        long committable() {
            Long first = pending.ceiling(Long.MIN_VALUE);
            return first == null ? next : first;
        }
    }

    /** One record on its way to its lane's webhook. */
    protected static final class Delivery {
        private final ConsumerRecord<String, byte[]> record;
        private final Progress progress;
        private final String lane;
        private String deliveryId;
        private IndexedRecord decoded;
        private byte[] body;
        private int attempts;
        private Integer lastStatus;
        /** Why the record is dead-lettered without an attempt: the hub did not write it. */
        private String refusal;
        /** What the flow keeps for {@link #delivered} (e.g. the subscription's service). */
        private Object context;

        private Delivery(ConsumerRecord<String, byte[]> record, Progress progress, String lane) {
            this.record = record;
            this.progress = progress;
            this.lane = lane;
        }

        public ConsumerRecord<String, byte[]> record() {
            return record;
        }

        public String lane() {
            return lane;
        }

        public String deliveryId() {
            return deliveryId;
        }

        /** The record decoded; set before {@link #delivered} is called. */
        public IndexedRecord decoded() {
            return decoded;
        }

        public Object context() {
            return context;
        }

        public void context(Object value) {
            context = value;
        }

        public String header(String name) {
            return SignedWebhookSender.header(record, name);
        }
    }

    /** One lane's deliveries, one at a time, in topic order. */
    private final class Lane {
        private final Deque<Delivery> queue = new ArrayDeque<>();
        private boolean busy;

        void add(Delivery delivery) {
            synchronized (this) {
                queue.add(delivery);
                if (busy) {
                    return;
                }
                busy = true;
            }
            startNext();
        }

        void ended(Delivery delivery) {
            delivery.progress.ended(delivery.record.offset());
            inFlight.decrementAndGet();
            startNext();
        }

        private void startNext() {
            Delivery next;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    busy = false;
                    return;
                }
            }
            Delivery first = next;
            scheduler.execute(() -> attempt(this, first));
        }
    }

    // ---- one delivery ---------------------------------------------------------------------------------------------

    private void attempt(Lane lane, Delivery delivery) {
        if (!running) {
            return; // not ended, not committed: sent again after the restart
        }
        if (delivery.refusal != null) {
            deadLetter(lane, delivery, delivery.refusal);
            return;
        }
        Target target;
        try {
            target = targetOf(delivery);
        } catch (WebhookDeliveryException e) {
            deadLetter(lane, delivery, e.getMessage());
            return;
        }
        String secret = secrets.find(target.secretRef()).orElse(null);
        if (secret == null) {
            deadLetter(lane, delivery, WebhookSecrets.missing(target.secretRef()));
            return;
        }
        if (delivery.body == null) {
            try {
                Object decoded = deserializer.deserialize(delivery.record.topic(), delivery.record.value());
                if (!recordType().isInstance(decoded)) {
                    throw new IllegalArgumentException("expected a " + recordType().getSimpleName() + ", got "
                            + (decoded == null ? "an empty record" : decoded.getClass().getName()));
                }
                delivery.decoded = (IndexedRecord) decoded;
                delivery.deliveryId = deliveryIdOf(delivery.decoded);
                delivery.body = WebhookJson.toJson(delivery.decoded);
            } catch (RuntimeException e) {
                if (Outages.isTransient(e)) {
                    failed(lane, delivery, "the schema registry did not answer: " + e.getMessage());
                } else {
                    deadLetter(lane, delivery, "unreadable record: " + e.getMessage());
                }
                return;
            }
        }
        delivery.attempts++;
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest.Builder request = HttpRequest.newBuilder(target.url())
                .timeout(properties.requestTimeout())
                .header("Content-Type", "application/json")
                .header(WebhookSignature.TIMESTAMP, String.valueOf(timestamp))
                .header(WebhookSignature.SIGNATURE, WebhookSignature.sign(secret, timestamp, delivery.body))
                .header(WebhookSignature.DELIVERY_ID, delivery.deliveryId)
                .header(WebhookSignature.ATTEMPT, String.valueOf(delivery.attempts));
        target.headers().forEach(request::header);
        CompletableFuture<HttpResponse<Void>> sent = http.sendAsync(
                request.POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body)).build(),
                HttpResponse.BodyHandlers.discarding());
        // The request's timeout ends once the answer's headers are in (JDK 17): a receiver that then stalls its body
        // would hold the lane forever. The whole exchange gets the request timeout; cancelling it aborts the request
        // and completes the answer with a CancellationException, which is retried like any failure.
        ScheduledFuture<?> deadline = scheduler.schedule(() -> sent.cancel(true),
                properties.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        sent.whenCompleteAsync((response, error) -> {
            deadline.cancel(false);
            answered(lane, delivery, target.url(), response, error);
        }, scheduler);
    }

    private void answered(Lane lane, Delivery delivery, URI url, HttpResponse<Void> response, Throwable error) {
        String receiver = url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
        if (error == null) {
            int status = response.statusCode();
            delivery.lastStatus = status;
            if (status >= 200 && status < 300) {
                count(delivery.lane, DELIVERED);
                log.info("{}: delivery {} of lane {} delivered (attempt {})", route, delivery.deliveryId,
                        delivery.lane, delivery.attempts);
                if (running) {
                    delivered(delivery, () -> lane.ended(delivery));
                }
                return;
            }
            count(delivery.lane, FAILED);
            if (status < 500 && status != 408 && status != 429) {
                deadLetter(lane, delivery, receiver + " answered HTTP " + status + " (not retried: the receiver "
                        + (status < 400 ? "redirects, which the hub does not follow: fix the webhook's URL)"
                        : "refused the request)"));
                return;
            }
            retryOrDeadLetter(lane, delivery, receiver + " answered HTTP " + status);
            return;
        }
        count(delivery.lane, FAILED);
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        String why = cause instanceof HttpTimeoutException ? "no answer in time (" + cause.getMessage() + ")"
                : cause instanceof CancellationException ? "no whole answer within " + properties.requestTimeout()
                : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        retryOrDeadLetter(lane, delivery, receiver + ": " + why);
    }

    private void retryOrDeadLetter(Lane lane, Delivery delivery, String why) {
        if (delivery.attempts >= properties.maxAttempts()) {
            deadLetter(lane, delivery, "gave up after " + delivery.attempts + " attempts, the last one: " + why);
        } else {
            failed(lane, delivery, why);
        }
    }

    private void failed(Lane lane, Delivery delivery, String why) {
        Duration delay = properties.delayAfter(Math.max(1, delivery.attempts));
        log.warn("{}: delivery {} of lane {} failed (attempt {} of {}): {}; next attempt in {}", route,
                delivery.deliveryId, delivery.lane, delivery.attempts, properties.maxAttempts(), why, delay);
        scheduler.schedule(() -> attempt(lane, delivery), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends a delivery on the dead-letter topic; if that write fails, tries again later (the offset waits). */
    private void deadLetter(Lane lane, Delivery delivery, String reason) {
        if (!running) {
            return;
        }
        Exchange exchange = deadLetters.newExchange();
        Message message = exchange.getMessage();
        ConsumerRecord<String, byte[]> record = delivery.record;
        message.setBody(record.value());
        message.setHeader(KafkaConstants.TOPIC, record.topic());
        message.setHeader(KafkaConstants.PARTITION, record.partition());
        message.setHeader(KafkaConstants.OFFSET, record.offset());
        message.setHeader(KafkaConstants.KEY, record.key());
        for (Header header : record.headers()) {
            if (header.key().startsWith("hub.") && header.value() != null) {
                message.setHeader(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        if (delivery.refusal == null) {
            describeDeadLetter(delivery, message);
        }
        message.setHeader(ATTEMPTS, String.valueOf(delivery.attempts));
        if (delivery.lastStatus != null) {
            message.setHeader(LAST_STATUS, String.valueOf(delivery.lastStatus));
        }
        try {
            deadLetters.send(exchange, route, delivery.refusal == null ? new WebhookDeliveryException(reason)
                    : new UntrustedRecordException(reason));
        } catch (RuntimeException e) {
            log.error("{}: dead letter of delivery {} not written; trying again", route, delivery.deliveryId, e);
            scheduler.schedule(() -> deadLetter(lane, delivery, reason), properties.maxDelay().toMillis(),
                    TimeUnit.MILLISECONDS);
            return;
        }
        if (delivery.refusal == null) {
            count(delivery.lane, DEAD_LETTERED);
        }
        lane.ended(delivery);
    }

    protected static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    protected boolean running() {
        return running;
    }

    /** Why a webhook delivery was dead-lettered (its message is the dead letter's reason). */
    public static final class WebhookDeliveryException extends RuntimeException {
        public WebhookDeliveryException(String reason) {
            super(reason);
        }
    }

    // ---- lifecycle --------------------------------------------------------------------------------------------------

    @Override
    public void start() {
        http = HttpClient.newBuilder().connectTimeout(properties.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
        scheduler = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, route);
            thread.setDaemon(true);
            return thread;
        });
        deadLetters.expect(route);
        running = true;
        log.info("{} (group {}): {} attempts, backoff {} to {}", route, group, properties.maxAttempts(),
                properties.initialDelay(), properties.maxDelay());
        poller = new Thread(this::poll, route + "-consumer");
        poller.start();
    }

    @Override
    public void stop() {
        running = false;
        synchronized (stopSignal) {
            stopSignal.notifyAll();
        }
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            poller.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
        // (HttpClient has no shutdown before Java 21: its threads end with the client.)
        http = null;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the topics and the subscriptions are ready. */
    @Override
    public int getPhase() {
        return TopicProvisioner.PHASE + 2;
    }
}
