package fr.referralhub.embedded;

import java.nio.file.Path;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Starts booting the embedded broker as soon as the application context exists, before any bean is created: the
 * broker's few seconds of start-up then overlap Spring's and Camel's instead of adding to them, which keeps the
 * zero-config hub healthy within its start-up budget. {@link EmbeddedPlatform} waits for it before Kafka is used.
 */
public class EmbeddedBrokerEarlyStart implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    static final String BEAN_NAME = "embeddedKafkaBroker";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Environment env = context.getEnvironment();
        if (!env.getProperty("hub.embedded.kafka.enabled", Boolean.class, false)) {
            return;
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(
                Path.of(env.getProperty("hub.embedded.data-dir", "./data"), "kafka"),
                env.getProperty("hub.embedded.kafka.host", "localhost"),
                env.getRequiredProperty("hub.embedded.kafka.port", Integer.class),
                env.getRequiredProperty("hub.embedded.kafka.controller-port", Integer.class),
                // Partners' listener only where their access is managed (fr.referralhub.kafkaaccess).
                env.getProperty("hub.kafka-access.enabled", Boolean.class, false)
                        ? env.getRequiredProperty("hub.embedded.kafka.partner-port", Integer.class) : 0);
        broker.startInBackground();
        var beans = (DefaultListableBeanFactory) context.getBeanFactory();
        beans.registerSingleton(BEAN_NAME, broker);
        // Destroyed after every lifecycle bean (Camel included) has stopped, and also when start-up fails.
        beans.registerDisposableBean(BEAN_NAME, broker::close);
    }
}
