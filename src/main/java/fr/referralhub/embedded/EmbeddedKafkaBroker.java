package fr.referralhub.embedded;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Features;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node Kafka broker in KRaft mode, running in this JVM.
 *
 * <p>It is the same server code as a production broker ({@code kafka_2.13}), not a test double: one process plays
 * both the broker and the controller role. Its log directory is formatted on first start and reused afterwards, so
 * topics (and the schema registry's {@code _schemas} topic with its ids) survive a restart of the hub.
 *
 * <p>With a partner port ({@code hub.kafka-access.enabled}), it also listens there for partners, services and
 * operators: SASL/SCRAM-SHA-512, each principal limited by ACLs ({@code fr.referralhub.kafkaaccess}). The first
 * listener stays the hub's own, on {@code hub.embedded.kafka.host} (the loopback by default), as a super user.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;
    /** How partners authenticate on their listener. */
    public static final String PARTNER_MECHANISM = "SCRAM-SHA-512";
    /**
     * The hub's principal on the partners' listener, a super user like the loopback listener's ANONYMOUS: another hub
     * instance, or one pointed at this broker as an external cluster, logs in there as it would on a secured cluster
     * (hub.kafka.sasl.*), once its credentials are stored ({@code hub.kafka-access.credentials.hub}).
     */
    public static final String HUB_PRINCIPAL = "hub";

    private final Path logDir;
    private final String host;
    private final int brokerPort;
    private final int controllerPort;
    /** 0: no partner listener (and no authorizer). */
    private final int partnerPort;
    private KafkaRaftServer server;
    private CompletableFuture<Void> starting;

    public EmbeddedKafkaBroker(Path logDir, String host, int brokerPort, int controllerPort) {
        this(logDir, host, brokerPort, controllerPort, 0);
    }

    public EmbeddedKafkaBroker(Path logDir, String host, int brokerPort, int controllerPort, int partnerPort) {
        this.logDir = logDir;
        this.host = host;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.partnerPort = partnerPort;
    }

    /**
     * Starts the broker on a background thread, so it boots while the rest of the application initialises
     * (the broker is most of the start-up time of the embedded default). {@link #awaitStarted()} joins it.
     */
    public synchronized void startInBackground() {
        if (starting == null) {
            starting = CompletableFuture.runAsync(this::start, runnable -> {
                Thread thread = new Thread(runnable, "embedded-kafka-start");
                thread.setDaemon(true);
                thread.start();
            });
        }
    }

    public void awaitStarted() {
        CompletableFuture<Void> pending;
        synchronized (this) {
            pending = starting;
        }
        if (pending == null) {
            start();
            return;
        }
        try {
            pending.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            Files.createDirectories(logDir);
            KafkaConfig config = new KafkaConfig(brokerProperties(), false);
            formatIfNeeded();
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            log.info("Embedded Kafka broker (KRaft) listening on {}, data in {}", bootstrapServers(), logDir.toAbsolutePath());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the embedded Kafka broker on " + bootstrapServers()
                    + " (is the port already taken? set hub.embedded.kafka.port or KAFKA_BOOTSTRAP_SERVERS)", e);
        }
    }

    public String bootstrapServers() {
        return host + ":" + brokerPort;
    }

    /** The partners' listener (SASL/SCRAM-SHA-512), or null without one. */
    public String partnerBootstrapServers() {
        return partnerPort > 0 ? host + ":" + partnerPort : null;
    }

    private Properties brokerProperties() {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toAbsolutePath().toString());
        // A single node: every internal topic must live with one replica.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("num.partitions", "3");
        // Consumers of a fresh group start at once instead of waiting 3 s for other members.
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        // Keep the in-process broker light on a 2-core machine.
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("background.threads", "2");
        props.put("log.cleaner.threads", "1");
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        props.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        if (partnerPort > 0) {
            addPartnerListener(props);
        }
        return props;
    }

    /**
     * The partners' listener: SASL/SCRAM-SHA-512 (credentials the hub stores in the cluster's metadata at start-up),
     * and KRaft's authorizer, which denies what no ACL allows. The hub's listener and the controller's authenticate
     * nobody (ANONYMOUS), so they are the super user: only the hub, on this host, reaches them. On the partners'
     * listener, {@value #HUB_PRINCIPAL} is the super user.
     */
    private void addPartnerListener(Properties props) {
        props.put("listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort
                + ",PARTNERS://" + host + ":" + partnerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",PARTNERS://" + host + ":"
                + partnerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,PARTNERS:SASL_PLAINTEXT");
        props.put("sasl.enabled.mechanisms", PARTNER_MECHANISM);
        props.put("listener.name.partners.sasl.enabled.mechanisms", PARTNER_MECHANISM);
        props.put("listener.name.partners.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:ANONYMOUS;User:" + HUB_PRINCIPAL);
        props.put("allow.everyone.if.no.acl.found", "false");
    }

    /** Formats the log directory for KRaft the first time only (what {@code kafka-storage.sh format} does). */
    private void formatIfNeeded() throws Exception {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toAbsolutePath().toString()))
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setSupportedFeatures(Features.PRODUCTION_FEATURES)
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(logDir.toAbsolutePath().toString())
                .setIgnoreFormatted(true)
                .run();
    }

    @Override
    public void close() {
        CompletableFuture<Void> pending;
        synchronized (this) {
            pending = starting;
        }
        if (pending != null) {
            // Never shut down a broker half-way through its start.
            pending.exceptionally(failure -> null).join();
        }
        shutdown();
    }

    private synchronized void shutdown() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
        log.info("Embedded Kafka broker stopped");
    }

    /** Deletes a directory tree; used by tests that want a throw-away broker. */
    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
