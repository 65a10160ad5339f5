package fr.referralhub.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.provenance.RecordProvenance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry speaking the Confluent Schema Registry REST API (Avro schemas), for development and tests.
 *
 * <p>Like Confluent's server it keeps its state in a single-partition compacted Kafka topic ({@value #DEFAULT_TOPIC}
 * by default) with Confluent's record formats, and rebuilds it from that topic on start, so schema ids survive a
 * restart. Every change reaches the topic before the HTTP answer. It is meant as the only writer of its topic: it
 * does not follow changes another registry makes to the topic after it started.
 *
 * <p>HTTP is served by the JDK's own {@link HttpServer}; no extra dependency.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    public static final String DEFAULT_TOPIC = "_schemas";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final int HTTP_THREADS = 3;

    private final KafkaConnection kafka;
    private final String topic;
    private final String host;
    private final int port;
    /** Null: open to anyone. */
    private final SchemaRegistryUsers users;
    private final RecordProvenance provenance;
    private final boolean adoptUnsigned;
    private SchemaRegistryJournal journal;
    private HttpServer server;
    private ExecutorService executor;

    /**
     * @param bootstrapServers the Kafka cluster holding the registry's topic
     * @param topic            the registry's topic, created (compacted, one partition) when absent
     * @param host             the address to listen on
     * @param port             the port to listen on; 0 picks a free one (see {@link #port()})
     */
    public EmbeddedSchemaRegistry(String bootstrapServers, String topic, String host, int port) {
        this(bootstrapServers, topic, host, port, null);
    }

    /**
     * A registry with one user, who reads and writes: every request needs its HTTP Basic credentials.
     *
     * @param writeCredentials {@code user:password}; null leaves the registry open, as Confluent's is by default
     */
    public EmbeddedSchemaRegistry(String bootstrapServers, String topic, String host, int port,
                                  String writeCredentials) {
        this(KafkaConnection.plaintext(bootstrapServers), topic, host, port, writeCredentials == null ? null
                : SchemaRegistryUsers.writer(writeCredentials));
    }

    /**
     * The hub's own registry: its journal's clients log in as the hub does ({@code hub.kafka.*}), so it also runs on
     * an external cluster that wants SASL or TLS.
     *
     * @param users who may read and who may write, each request with HTTP Basic; null leaves the registry open
     */
    public EmbeddedSchemaRegistry(KafkaConnection kafka, String topic, String host, int port,
                                  SchemaRegistryUsers users) {
        this(kafka, topic, host, port, users, null, false);
    }

    /**
     * @param provenance    signs every record of the topic and refuses, at start, those the hub did not sign (see
     *                      {@link SchemaRegistryJournal}); null signs and checks nothing
     * @param adoptUnsigned trusts the topic's unsigned records and writes them again signed
     */
    EmbeddedSchemaRegistry(KafkaConnection kafka, String topic, String host, int port, SchemaRegistryUsers users,
                           RecordProvenance provenance, boolean adoptUnsigned) {
        this.kafka = kafka;
        this.topic = topic;
        this.host = host;
        this.port = port;
        this.users = users;
        this.provenance = provenance;
        this.adoptUnsigned = adoptUnsigned;
    }

    /** Reads the registry's topic to its end, then starts serving HTTP. Does nothing when already started. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        SchemaRegistryJournal newJournal = new SchemaRegistryJournal(kafka, topic, provenance, adoptUnsigned);
        ExecutorService newExecutor = Executors.newFixedThreadPool(HTTP_THREADS, daemonThreads());
        try {
            SchemaRegistryStore store = new SchemaRegistryStore(newJournal);
            newJournal.replayInto(store);
            HttpServer newServer = HttpServer.create(new InetSocketAddress(host, port), 0);
            newServer.setExecutor(newExecutor);
            newServer.createContext("/", new SchemaRegistryHttpHandler(store, newJournal::clusterId, users));
            newServer.start();
            journal = newJournal;
            executor = newExecutor;
            server = newServer;
            log.info("Embedded schema registry listening on {}, {} schemas from Kafka topic '{}' on {}, {}",
                    url(), store.schemaCount(), topic, kafka.bootstrapServers(),
                    users == null ? "open to anyone" : "HTTP Basic: " + users);
        } catch (IOException | RuntimeException e) {
            newExecutor.shutdown();
            newJournal.close();
            throw new IllegalStateException("Cannot start the embedded schema registry on " + host + ":" + port
                    + " with Kafka topic '" + topic + "' on " + kafka.bootstrapServers() + ": " + e.getMessage(), e);
        }
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8081}. */
    public synchronized String url() {
        InetSocketAddress address = requireStarted().getAddress();
        // A wildcard address is where the server listens, not where a client can connect.
        String urlHost = address.getAddress().isAnyLocalAddress() ? "localhost" : host;
        if (urlHost.contains(":")) {
            urlHost = "[" + urlHost + "]";
        }
        return "http://" + urlHost + ":" + address.getPort();
    }

    /** The port actually listened on, also when 0 was asked for. */
    public synchronized int port() {
        return requireStarted().getAddress().getPort();
    }

    private HttpServer requireStarted() {
        if (server == null) {
            throw new IllegalStateException("The embedded schema registry is not started");
        }
        return server;
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        server.stop(0);
        executor.shutdown();
        journal.close();
        server = null;
        log.info("Embedded schema registry stopped");
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "schema-registry-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
