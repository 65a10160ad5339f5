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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import fr.referralhub.avro.CounsellingReferral;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.counselling.CounsellingDistribution;
import fr.referralhub.counselling.CounsellingTopics;
import fr.referralhub.counselling.DeliveredFeedback;
import fr.referralhub.counselling.Subscription;
import fr.referralhub.counselling.Subscription.DeliveryMode;
import fr.referralhub.counselling.SubscriptionStore;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.kafka.Outages;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.AvroSerializer;
import fr.referralhub.topics.RecordHeaders;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.TopicProvisioner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Sends the webhook outbox ({@code webhook-deliveries.v1}, keyed by subscription id) to the subscriptions' URLs.
 *
 * <p>Why not a Camel batch route with {@code kafkaOffsets} like the other consumers: those wait, on the consumer
 * thread, for every output of a batch before committing. A webhook receiver may be down for minutes, and backoffs
 * on the poll thread would exceed {@code max.poll.interval.ms} (STACK-NOTES) and hold every other subscription
 * behind it. So this consumer never waits on a receiver:
 * <ul>
 * <li>the poll thread only hands each record to its subscription's lane, and commits;</li>
 * <li>a lane sends its subscription's records one after the other, in outbox order (an update never overtakes its
 * creation), with non-blocking HTTP ({@link HttpClient#sendAsync}) and retries scheduled on a timer, never slept; lanes
 * of other subscriptions go on meanwhile;</li>
 * <li>per partition, the committed offset is the first record not yet ended (delivered or dead-lettered): records
 * end out of order across lanes, and nothing is committed past one that has not ended. A crash or rebalance sends
 * again what was not committed (at-least-once: receivers de-duplicate on {@code X-Hub-Delivery-Id});</li>
 * <li>past {@code hub.webhooks.max-in-flight} records not ended, the consumer pauses its partitions (it keeps
 * polling, so it stays in its group) and resumes once lanes drain.</li>
 * </ul>
 * 2xx is delivered; the first delivery of a referral to the subscription (CREATED) then tells its referrer, a
 * DELIVERED feedback on {@code feedback.<partnerId>} ({@link DeliveredFeedback}), before the delivery ends (so a
 * crash in between sends both again, with the same ids). 4xx other than 408 and 429 (and 3xx: redirects are not followed) is refused by the receiver and
 * dead-lettered at once; anything else (5xx, 408, 429, timeout, connection refused) is retried with exponential
 * backoff, then dead-lettered. Dead letters go to the shared dead-letter topic like every other route's (original
 * record encrypted, {@code __connect.errors.*}, connector name {@value #ROUTE}, header {@code hub.subscription-id}),
 * so operators list and inspect them with the same API and console.
 *
 * <p>Not a dependant of the CamelContext (a Spring lifecycle bean starts its lifecycle dependencies first, and the
 * context would then start before its routes are loaded): dead letters go through {@link DeadLetters}.
 */
@Component
public class WebhookSender implements SmartLifecycle {

    /** Name of this flow where routes are named: dead letters, metrics, logs. */
    public static final String ROUTE = "webhook-delivery";
    public static final String GROUP = "referral-hub-webhooks";
    /** Dead-letter headers: attempts made and the receiver's last HTTP status (none when it never answered). */
    public static final String ATTEMPTS = "hub.webhook.attempts";
    public static final String LAST_STATUS = "hub.webhook.last-status";
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

    private final String bootstrapServers;
    private final String topic;
    private final SubscriptionStore subscriptions;
    private final WebhookSecrets secrets;
    private final WebhookProperties properties;
    private final DeadLetters deadLetters;
    private final MeterRegistry meters;
    private final CounsellingTopics feedbackTopics;
    private final DeliveredFeedback deliveredFeedback;
    private final String registryUrl;
    private final AvroDeserializer deserializer = new AvroDeserializer();
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Progress> progress = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private HttpClient http;
    /** Timers of retries, and the end of each attempt (dead-letter writes): never the HTTP wait itself. */
    private ScheduledExecutorService scheduler;
    private volatile KafkaConsumer<String, byte[]> consumer;
    /** Writes DELIVERED feedback. */
    private KafkaProducer<String, Object> producer;
    private volatile boolean running;
    private Thread poller;

    public WebhookSender(@Value("${hub.kafka.bootstrap-servers}") String bootstrapServers,
                         @Value("${hub.schema-registry.url}") String registryUrl, HubTopicProperties topics,
                         SubscriptionStore subscriptions, WebhookSecrets secrets, WebhookProperties properties,
                         DeadLetters deadLetters, MeterRegistry meters, CounsellingTopics feedbackTopics,
                         DeliveredFeedback deliveredFeedback) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topics.webhookDeliveries();
        this.subscriptions = subscriptions;
        this.secrets = secrets;
        this.properties = properties;
        this.deadLetters = deadLetters;
        this.meters = meters;
        this.feedbackTopics = feedbackTopics;
        this.deliveredFeedback = deliveredFeedback;
        this.registryUrl = registryUrl;
        deserializer.configure(Map.of("schema.registry.url", registryUrl, "specific.avro.reader", true), false);
    }

    // ---- poll thread -------------------------------------------------------------------------------------------

    private void poll() {
        while (running) {
            try (KafkaConsumer<String, byte[]> opened = new KafkaConsumer<>(consumerConfig())) {
                consumer = opened;
                opened.subscribe(List.of(topic), new ConsumerRebalanceListener() {
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
                    if (inFlight.get() >= properties.maxInFlight()) {
                        opened.pause(opened.assignment());
                    } else if (!opened.paused().isEmpty()) {
                        opened.resume(opened.paused());
                    }
                }
                commitEnded(opened);
            } catch (WakeupException stopping) {
                // stop(): leave the loop.
            } catch (RuntimeException e) {
                // Not ended records were not committed: a new consumer reads them again.
                log.error("Webhook outbox consumer failed; reconnecting from the last committed offsets", e);
                progress.clear();
            }
        }
    }

    private Properties consumerConfig() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        return config;
    }

    private void accept(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Progress partitionProgress = progress.computeIfAbsent(partition, p -> new Progress());
        partitionProgress.accepted(record.offset());
        inFlight.incrementAndGet();
        String subscriptionId = header(record, CounsellingDistribution.SUBSCRIPTION_ID);
        if (subscriptionId == null) {
            subscriptionId = record.key();
        }
        log.debug("Webhook outbox record {}-{}@{} for subscription {}", record.topic(), record.partition(),
                record.offset(), subscriptionId);
        Delivery delivery = new Delivery(record, partitionProgress, String.valueOf(subscriptionId));
        lanes.computeIfAbsent(delivery.subscriptionId, Lane::new).add(delivery);
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

    /** One outbox record on its way. */
    private static final class Delivery {
        final ConsumerRecord<String, byte[]> record;
        final Progress progress;
        final String subscriptionId;
        String deliveryId;
        /** The decoded record, and its subscription's service (for the DELIVERED feedback). */
        CounsellingReferral referral;
        String serviceId;
        byte[] body;
        int attempts;
        Integer lastStatus;

        Delivery(ConsumerRecord<String, byte[]> record, Progress progress, String subscriptionId) {
            this.record = record;
            this.progress = progress;
            this.subscriptionId = subscriptionId;
        }
    }

    /** One subscription's deliveries, one at a time, in outbox order. */
    private final class Lane {
        private final Deque<Delivery> queue = new ArrayDeque<>();
        private boolean busy;

        Lane(String subscriptionId) {
        }

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
        Optional<Subscription> subscription = subscriptions.find(delivery.subscriptionId)
                .filter(s -> s.deliveryMode() == DeliveryMode.WEBHOOK);
        if (subscription.isEmpty()) {
            deadLetter(lane, delivery, "subscription " + delivery.subscriptionId
                    + " is no longer a WEBHOOK subscription in force: nothing to send it to");
            return;
        }
        delivery.serviceId = subscription.get().serviceId();
        String secretRef = subscription.get().declaration().delivery().secretRef();
        Optional<String> secret = secrets.find(secretRef);
        if (secret.isEmpty()) {
            deadLetter(lane, delivery, WebhookSecrets.missing(secretRef));
            return;
        }
        if (delivery.body == null) {
            try {
                Object decoded = deserializer.deserialize(delivery.record.topic(), delivery.record.value());
                if (!(decoded instanceof CounsellingReferral referral)) {
                    throw new IllegalArgumentException("expected a CounsellingReferral, got "
                            + (decoded == null ? "an empty record" : decoded.getClass().getName()));
                }
                delivery.deliveryId = referral.getDeliveryId();
                delivery.referral = referral;
                delivery.body = WebhookJson.toJson(referral);
            } catch (RuntimeException e) {
                if (Outages.isTransient(e)) {
                    failed(lane, delivery, "the schema registry did not answer: " + e.getMessage());
                } else {
                    deadLetter(lane, delivery, "unreadable outbox record: " + e.getMessage());
                }
                return;
            }
        }
        delivery.attempts++;
        long timestamp = clock.instant().getEpochSecond();
        URI url = URI.create(subscription.get().declaration().delivery().url());
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(properties.requestTimeout())
                .header("Content-Type", "application/json")
                .header(WebhookSignature.TIMESTAMP, String.valueOf(timestamp))
                .header(WebhookSignature.SIGNATURE, WebhookSignature.sign(secret.get(), timestamp, delivery.body))
                .header(WebhookSignature.DELIVERY_ID, delivery.deliveryId)
                .header(WebhookSignature.SUBSCRIPTION_ID, delivery.subscriptionId)
                .header(WebhookSignature.ATTEMPT, String.valueOf(delivery.attempts))
                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .whenCompleteAsync((response, error) -> answered(lane, delivery, url, response, error), scheduler);
    }

    private void answered(Lane lane, Delivery delivery, URI url, HttpResponse<Void> response, Throwable error) {
        String receiver = url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
        if (error == null) {
            int status = response.statusCode();
            delivery.lastStatus = status;
            if (status >= 200 && status < 300) {
                count(delivery.subscriptionId, "delivered");
                log.info("Webhook delivery {} of subscription {} delivered (attempt {})", delivery.deliveryId,
                        delivery.subscriptionId, delivery.attempts);
                tellReferrerThenEnd(lane, delivery);
                return;
            }
            count(delivery.subscriptionId, "failed");
            if (status < 500 && status != 408 && status != 429) {
                deadLetter(lane, delivery, receiver + " answered HTTP " + status + " (not retried: the receiver "
                        + (status < 400 ? "redirects, which the hub does not follow: fix the subscription's URL)"
                        : "refused the request)"));
                return;
            }
            retryOrDeadLetter(lane, delivery, receiver + " answered HTTP " + status);
            return;
        }
        count(delivery.subscriptionId, "failed");
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        String why = cause instanceof HttpTimeoutException ? "no answer in time (" + cause.getMessage() + ")"
                : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        retryOrDeadLetter(lane, delivery, receiver + ": " + why);
    }

    /**
     * A first delivery (CREATED) tells the referrer DELIVERED, then ends; updates and cancellations just end. If the
     * feedback cannot be written the delivery does not end (its offset waits) and the write is tried again later.
     */
    private void tellReferrerThenEnd(Lane lane, Delivery delivery) {
        CounsellingReferral referral = delivery.referral;
        String partnerId = header(delivery.record, RecordHeaders.PARTNER_ID);
        if (!running) {
            return; // not ended, not committed: sent again after the restart, feedback included
        }
        if (referral.getEventType() != ReferralEventType.CREATED) {
            lane.ended(delivery);
            return;
        }
        if (partnerId == null) {
            // Written to the outbox before outbox records named their referrer: nobody known to tell.
            log.warn("Webhook delivery {}: no referrer on the outbox record, no DELIVERED feedback", delivery.deliveryId);
            lane.ended(delivery);
            return;
        }
        try {
            ReferralFeedback feedback = deliveredFeedback.of(referral.getReferralId(),
                    header(delivery.record, RecordHeaders.PARTNER_EVENT_ID), referral.getEventId(),
                    delivery.deliveryId, delivery.serviceId);
            ProducerRecord<String, Object> record = new ProducerRecord<>(feedbackTopics.feedbackTopic(partnerId),
                    referral.getReferralId(), feedback);
            record.headers().add(RecordHeaders.REFERRAL_ID, utf8(referral.getReferralId()))
                    .add(RecordHeaders.EVENT_ID, utf8(referral.getEventId()))
                    .add(RecordHeaders.PARTNER_ID, utf8(partnerId));
            String partnerEventId = header(delivery.record, RecordHeaders.PARTNER_EVENT_ID);
            if (partnerEventId != null) {
                record.headers().add(RecordHeaders.PARTNER_EVENT_ID, utf8(partnerEventId));
            }
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    lane.ended(delivery);
                } else {
                    feedbackNotWritten(lane, delivery, error);
                }
            });
        } catch (RuntimeException e) {
            feedbackNotWritten(lane, delivery, e);
        }
    }

    private void feedbackNotWritten(Lane lane, Delivery delivery, Throwable error) {
        log.error("DELIVERED feedback of webhook delivery {} not written; trying again", delivery.deliveryId, error);
        scheduler.schedule(() -> tellReferrerThenEnd(lane, delivery), properties.maxDelay().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
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
        log.warn("Webhook delivery {} of subscription {} failed (attempt {} of {}): {}; next attempt in {}",
                delivery.deliveryId, delivery.subscriptionId, delivery.attempts, properties.maxAttempts(), why, delay);
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
        message.setHeader(CounsellingDistribution.SUBSCRIPTION_ID, delivery.subscriptionId);
        message.setHeader(ATTEMPTS, String.valueOf(delivery.attempts));
        if (delivery.lastStatus != null) {
            message.setHeader(LAST_STATUS, String.valueOf(delivery.lastStatus));
        }
        try {
            deadLetters.send(exchange, ROUTE, new WebhookDeliveryException(reason));
        } catch (RuntimeException e) {
            log.error("Dead letter of webhook delivery {} not written; trying again", delivery.deliveryId, e);
            scheduler.schedule(() -> deadLetter(lane, delivery, reason), properties.maxDelay().toMillis(),
                    TimeUnit.MILLISECONDS);
            return;
        }
        count(delivery.subscriptionId, "dead_lettered");
        lane.ended(delivery);
    }

    private void count(String subscriptionId, String result) {
        Counter.builder("hub.subscription.deliveries")
                .description("Referral records for counselling subscriptions, by result")
                .tag("subscription", subscriptionId).tag("result", result)
                .register(meters).increment();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
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
            Thread thread = new Thread(runnable, "webhook-sender");
            thread.setDaemon(true);
            return thread;
        });
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of("schema.registry.url", registryUrl, "auto.register.schemas", false), false);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                ProducerConfig.CLIENT_ID_CONFIG, "referral-hub-webhook-feedback"),
                new StringSerializer(), serializer);
        running = true;
        log.info("Webhook sender reading {} (group {}): {} attempts, backoff {} to {}", topic, GROUP,
                properties.maxAttempts(), properties.initialDelay(), properties.maxDelay());
        poller = new Thread(this::poll, "webhook-outbox-consumer");
        poller.start();
    }

    @Override
    public void stop() {
        running = false;
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
        producer.close(Duration.ofSeconds(5));
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
