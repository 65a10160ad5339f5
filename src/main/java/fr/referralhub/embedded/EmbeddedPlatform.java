package fr.referralhub.embedded;

import fr.referralhub.kafkaclient.KafkaConnection;
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
    private EmbeddedSchemaRegistry registry;
    private volatile boolean running;

    /** @param broker the broker {@link EmbeddedBrokerEarlyStart} is booting, or null when Kafka is external */
    EmbeddedPlatform(EmbeddedPlatformProperties properties, KafkaConnection kafka, EmbeddedKafkaBroker broker) {
        this.properties = properties;
        this.kafka = kafka;
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
                    properties.schemaRegistry().writeCredentials());
            registry.start();
        }
        running = true;
        log.info("Embedded platform ready: Kafka bootstrap servers {}, schema registry {}", kafka.bootstrapServers(),
                registry != null ? registry.url() : "(external)");
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
