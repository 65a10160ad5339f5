package fr.referralhub.state;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import fr.referralhub.avro.PersonProfile;
import fr.referralhub.avro.PersonReferenceBasis;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralStatusChange;
import fr.referralhub.kafka.DeadLetters;
import org.apache.avro.generic.GenericRecord;
import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.AvroSerializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.TopicCatalog;
import fr.referralhub.topics.TopicProvisioner;
import fr.referralhub.provenance.HubKafkaClients;
import fr.referralhub.provenance.RecordProvenance;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The referral-state Kafka Streams application of this hub instance: all instances with the same
 * {@link ReferralStateProperties#applicationId} form one consumer group and share the partitions of
 * {@code intake-submissions.v1}; each keeps the stores of its partitions in RocksDB under its state directory, backed
 * by changelog topics, with exactly_once_v2.
 *
 * <p>Also {@code referralState} in /actuator/health/readiness: an instance whose state cannot run is not ready.
 */
@Component("referralState")
public class ReferralState implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(ReferralState.class);

    private final ReferralStateProperties properties;
    private final HubTopicProperties topics;
    private final KafkaConnection kafka;
    private final SchemaRegistryProperties registry;
    private final Clock clock;
    private final MeterRegistry meters;
    private final int httpPort;
    private final ObjectProvider<ReferralDistribution> distribution;
    private final ObjectProvider<ExpiryPolicy> expiry;
    private final ObjectProvider<EligibilityDecider> eligibility;
    private final ObjectProvider<DeadLetters> deadLetters;
    /** Its producers sign what they write; its processors check what they read (fr.referralhub.provenance). */
    private final HubKafkaClients kafkaClients;
    private final RecordProvenance provenance;
    private volatile KafkaStreams streams;
    /** How other instances reach this one; asked of the name service once, not on every read. */
    private final HostInfo self;
    /** Set by {@link IntakeSubmissions}: whether this instance still reads the answers its callers wait for. */
    private volatile java.util.function.BooleanSupplier answersRead = () -> true;
    private KafkaStreamsMetrics metrics;

    public ReferralState(ReferralStateProperties properties, HubTopicProperties topics,
                         KafkaConnection kafka,
                         SchemaRegistryProperties registry, Clock clock, MeterRegistry meters,
                         @Value("${server.port:8080}") int httpPort,
                         ObjectProvider<ReferralDistribution> distribution, ObjectProvider<ExpiryPolicy> expiry,
                         ObjectProvider<EligibilityDecider> eligibility, ObjectProvider<DeadLetters> deadLetters,
                         HubKafkaClients kafkaClients, RecordProvenance provenance) {
        this.kafkaClients = kafkaClients;
        this.provenance = provenance;
        // Its consumers' refusal counters exist from start-up (an alert watches their increase).
        List.of(LedgerProcessor.CONSUMER, FeedbackLineProcessor.CONSUMER, PersonAidHistory.CONSUMER)
                .forEach(provenance::expect);
        this.eligibility = eligibility;
        this.deadLetters = deadLetters;
        this.distribution = distribution;
        this.expiry = expiry;
        this.properties = properties;
        this.topics = topics;
        this.kafka = kafka;
        this.registry = registry;
        this.clock = clock;
        this.meters = meters;
        this.httpPort = httpPort;
        this.self = new HostInfo(advertisedHost(), httpPort);
    }

    Topology topology() {
        AvroSerializer outboundWriter = registry.serializer();
        io.micrometer.core.instrument.Counter unrouted = io.micrometer.core.instrument.Counter
                .builder("hub.referral-state.unrouted")
                .description("Accepted partner events that could not be routed to counselling services (a defect: "
                        + "see the error log)")
                .register(meters);
        return ReferralStateTopology.build(
                new ReferralStateTopology.Topics(topics.intakeSubmissions(), topics.referrals(),
                        topics.intakeDecisions(), topics.referralStatusChanges(), topics.feedbackPrefix(),
                        topics.eligibilityDecisions(), topics.personAidHistory()),
                new ReferralStateTopology.Parts(clock, TopicCatalog.RECORD_LIFE, properties.forgetSweep(),
                        avroPersonReferences(), avroStatusChanges(),
                        distribution.getIfAvailable(() -> ReferralDistribution.NONE),
                        expiry.getIfAvailable(() -> ExpiryPolicy.NEVER), outboundWriter::serialize,
                        unrouted::increment, avroTimelineLines(), avroEvents(),
                        eligibility.getIfAvailable(() -> EligibilityDecider.NONE), sealedDeadLetters(),
                        provenance::check));
    }

    /** Published events decoded into the generated class, with the writer's schema from the registry. */
    private java.util.function.Function<byte[], ReferralEvent> avroEvents() {
        AvroDeserializer reader = registry.specificDeserializer();
        String referrals = topics.referrals();
        return bytes -> (ReferralEvent) reader.deserialize(referrals, bytes);
    }

    /** Dead letters as the dead-letter writer route makes them (encrypted, reasons in headers), on its topic. */
    private DeadLetterWriter sealedDeadLetters() {
        DeadLetters writer = deadLetters.getObject();
        writer.expect(LedgerProcessor.ELIGIBILITY_STEP);
        String topic = topics.deadLetters();
        return (sourceTopic, key, original, headers, failedStep, cause) -> {
            DeadLetters.Sealed sealed = writer.seal(sourceTopic, original, headers, failedStep, cause);
            return new OutboundRecord(topic, key, sealed.value(), sealed.headers());
        };
    }

    /**
     * Timeline lines from generic Avro records with the writer's schema (from the registry): a feedback kind this
     * build does not know still reads.
     */
    private TimelineReader avroTimelineLines() {
        AvroDeserializer generic = registry.genericDeserializer();
        String referrals = topics.referrals();
        return new TimelineReader() {
            @Override
            public TimelineEntry event(byte[] publishedEvent) {
                return TimelineLines.ofEvent((GenericRecord) generic.deserialize(referrals, publishedEvent));
            }

            @Override
            public TimelineEntry feedback(String topic, byte[] feedback) {
                return TimelineLines.ofFeedback((GenericRecord) generic.deserialize(topic, feedback));
            }
        };
    }

    /** Status changes in the wire format of referral-status-changes.v1, with the registry's serdes. */
    private StatusChangeCodec avroStatusChanges() {
        AvroDeserializer reader = registry.specificDeserializer();
        AvroSerializer writer = registry.serializer();
        String topic = topics.referralStatusChanges();
        return new StatusChangeCodec() {
            @Override
            public ReferralStatusChange read(byte[] bytes) {
                return (ReferralStatusChange) reader.deserialize(topic, bytes);
            }

            @Override
            public byte[] write(ReferralStatusChange change) {
                return writer.serialize(topic, change);
            }
        };
    }

    /** Decodes and re-encodes an update with the registry's serdes, under the subject of referrals.v1. */
    private PersonReferenceWriter avroPersonReferences() {
        AvroDeserializer reader = registry.specificDeserializer();
        AvroSerializer writer = registry.serializer();
        String topic = topics.referrals();
        return (bytes, personReference, basis) -> {
            ReferralEvent event = (ReferralEvent) reader.deserialize(topic, bytes);
            if (event.getPerson() == null) {
                return bytes;
            }
            event.setPerson(PersonProfile.newBuilder(event.getPerson()).setPersonReference(personReference)
                    .setPersonReferenceBasis(basis == null ? PersonReferenceBasis.NONE : PersonReferenceBasis.valueOf(basis))
                    .build());
            return writer.serialize(topic, event);
        };
    }

    private Properties streamsConfig() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, properties.applicationId());
        // The brokers and the hub's login, which Streams passes on to each of its clients.
        config.putAll(kafka.clientConfig(Map.of()));
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.STATE_DIR_CONFIG, properties.stateDir());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, properties.commitInterval().toMillis());
        // A partner waits for each commit: the stream thread must not sit in a poll past the commit interval (Streams'
        // default waits 100 ms for input), nor its producer hold records back (Streams' default lingers 100 ms; the
        // commit sends them anyway).
        config.put(StreamsConfig.POLL_MS_CONFIG, Math.min(10L, properties.commitInterval().toMillis()));
        config.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) topics.replicationFactor());
        config.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, properties.standbyReplicas());
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, properties.streamThreads());
        // Where other instances read this one's stores (ReferralStateReads). A port of 0 (tests of one instance) is
        // never asked: the only instance owns every partition.
        config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        config.put(StreamsConfig.CLIENT_ID_CONFIG, "referral-hub-state");
        // An instance that died (kill -9, lost host) gives its partitions up after 10 s rather than the default 45 s:
        // until then, intake for the referrals of those partitions waits and answers 503.
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 2_000);
        // The partners' feedback topics are read by pattern: a new partner's topic is found within 10 s, not the
        // client's default 5 minutes (its lines are read from its start, nothing is missed meanwhile).
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG), 10_000);
        if (!properties.instanceId().isBlank()) {
            // Streams does not leave the group when it closes: a restarted member with a new identity waits for the
            // old one's session to expire, then a rebalance. With a stable identity (Streams adds each thread's
            // index) it takes its own partitions back at once. Two live instances must never share it.
            config.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), properties.instanceId());
        }
        return config;
    }

    private String advertisedHost() {
        if (!properties.advertisedHost().isBlank()) {
            return properties.advertisedHost();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** The running Streams application, for interactive queries; null before the start and after the stop. */
    KafkaStreams streams() {
        return streams;
    }

    /** How other instances reach this one: what it advertises in the group's metadata. */
    HostInfo self() {
        return self;
    }

    /** Starts the Streams application and waits until its stores are restored and it runs: intake can then be answered. */
    @Override
    public void start() {
        Topology topology = topology();
        log.info("Referral state topology:\n{}", topology.describe());
        stores().distrustIfCrashed();
        KafkaStreams started = new KafkaStreams(topology, streamsConfig(), kafkaClients.streams());
        // A failing stream thread (a broker outage longer than its retries) is replaced, not left dead: the
        // partitions it owned would otherwise never be decided again on this instance.
        started.setUncaughtExceptionHandler(e -> {
            log.error("Referral state: stream thread failed, replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        started.setStateListener((now, before) -> log.info("Referral state: {} -> {}", before, now));
        metrics = new KafkaStreamsMetrics(started);
        metrics.bindTo(meters);
        started.start();
        streams = started;
        long deadline = System.nanoTime() + properties.startupTimeout().toNanos();
        while (started.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || !started.state().isRunningOrRebalancing()) {
                throw new IllegalStateException("The referral state did not start within " + properties.startupTimeout()
                        + " (state " + started.state() + ")");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while the referral state started", e);
            }
        }
    }

    @Override
    public void stop() {
        KafkaStreams running = streams;
        if (running != null) {
            boolean closed = running.close(java.time.Duration.ofSeconds(20));
            if (closed && running.state() == KafkaStreams.State.NOT_RUNNING) {
                stores().markCleanStop();
            }
            if (metrics != null) {
                metrics.close();
            }
            streams = null;
        }
    }

    private StoresAfterCrash stores() {
        return new StoresAfterCrash(java.nio.file.Path.of(properties.stateDir()), properties.applicationId());
    }

    @Override
    public boolean isRunning() {
        return streams != null;
    }

    /**
     * After the topics exist and the subscriptions are read (SubscriptionStore, phase + 1): a submission waiting since
     * the last stop is routed to the subscriptions in force, not to none. Before the routes start.
     */
    @Override
    public int getPhase() {
        return TopicProvisioner.PHASE + 2;
    }

    void answersReadBy(java.util.function.BooleanSupplier reader) {
        this.answersRead = reader;
    }

    /**
     * UP while the Streams application runs or rebalances and this instance reads the ledger's answers; DOWN
     * otherwise, since every partner request would then wait for nothing and get 503.
     */
    @Override
    public Health health() {
        KafkaStreams running = streams;
        if (running == null) {
            return Health.down().withDetail("state", "NOT_STARTED").build();
        }
        KafkaStreams.State state = running.state();
        boolean answers = answersRead.getAsBoolean();
        Health.Builder health = state.isRunningOrRebalancing() && answers ? Health.up() : Health.down();
        health.withDetail("answersRead", answers);
        return health.withDetail("state", state.name())
                .withDetail("applicationId", properties.applicationId())
                .withDetail("activeTasks", running.metadataForLocalThreads().stream()
                        .mapToInt(thread -> thread.activeTasks().size()).sum())
                .build();
    }
}
