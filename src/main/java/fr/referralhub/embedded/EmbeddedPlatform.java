package fr.referralhub.embedded;

import java.util.HashMap;
import java.util.Map;

import fr.referralhub.kafkaaccess.KafkaAccessProperties;
import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.provenance.RecordProvenance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The embedded broker and registry as one Spring lifecycle: ready before anything that talks to Kafka
 * (see {@link #PHASE}) and stopped after it.
 */
public class EmbeddedPlatform implements SmartLifecycle {

    /** Far below the default phase of Kafka-using components and Camel's (which starts last). */
    public static final int PHASE = Integer.MIN_VALUE + 1000;

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPlatform.class);

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedPlatformProperties properties;
    private final KafkaConnection kafka;
    private final KafkaAccessProperties kafkaAccess;
    private final RecordProvenance provenance;
    private EmbeddedSchemaRegistry registry;
    private volatile boolean running;

    /**
     * @param kafkaAccess the Kafka principals' passwords, which are also their registry logins
     * @param provenance  signs the registry's records, so that it reads back only its own
     * @param broker      the broker {@link EmbeddedBrokerEarlyStart} is booting, or null when Kafka is external
     */
    EmbeddedPlatform(EmbeddedPlatformProperties properties, KafkaConnection kafka, KafkaAccessProperties kafkaAccess,
                     RecordProvenance provenance, EmbeddedKafkaBroker broker) {
        this.properties = properties;
        this.kafka = kafka;
        this.kafkaAccess = kafkaAccess;
        this.provenance = provenance;
        this.broker = broker;
    }

    @Override
    public void start() {
        if (broker != null) {
            broker.awaitStarted();
        }
        if (properties.schemaRegistry().enabled()) {
            registry = new EmbeddedSchemaRegistry(kafka, properties.schemaRegistry().topic(),
                    properties.schemaRegistry().host(), properties.schemaRegistry().port(),
                    registryUsers(), provenance, properties.schemaRegistry().adoptUnsigned());
            registry.start();
        }
        running = true;
        log.info("Embedded platform ready: Kafka bootstrap servers {}, schema registry {}", kafka.bootstrapServers(),
                registry != null ? registry.url() : "(external)");
    }

    /**
     * With operator security on (a write password), one identity per principal across Kafka and the registry, as the
     * compose stack's cp-schema-registry has it: every principal of {@code hub.kafka-access.credentials} reads with its
     * Kafka password; the hub (with its write password, whatever its Kafka one) and the operators' principal also
     * write. Without a write password (dev) the registry is open.
     */
    private SchemaRegistryUsers registryUsers() {
        String hubPassword = properties.schemaRegistry().writePassword();
        if (hubPassword == null || hubPassword.isEmpty()) {
            return null;
        }
        Map<String, String> writers = new HashMap<>();
        writers.put(EmbeddedPlatformProperties.SchemaRegistry.WRITER, hubPassword);
        String opsPassword = kafkaAccess.credentials().get(kafkaAccess.opsPrincipal());
        if (opsPassword != null) {
            writers.putIfAbsent(kafkaAccess.opsPrincipal(), opsPassword);
        }
        return SchemaRegistryUsers.of(writers, kafkaAccess.credentials());
    }

    @Override
    public void stop() {
        if (registry != null) {
            registry.close();
        }
        // The broker itself is closed with the context (EmbeddedBrokerEarlyStart), after everything else.
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
