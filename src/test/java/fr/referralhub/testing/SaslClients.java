package fr.referralhub.testing;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import fr.referralhub.kafkaclient.KafkaConnection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka clients as a partner, a service or an operator configures them for the partners' listener
 * (hub.kafka-access): SASL/SCRAM-SHA-512 with its own principal, what docs/partners.md tells them; and those very
 * settings as the docs write them, so a test can connect with them.
 */
public final class SaslClients {

    /** The fenced block of a page that starts with the name of the file a reader saves it as. */
    private static final Pattern PROPERTIES_BLOCK = Pattern.compile("```properties\\n# client\\.properties\\n(.*?)```",
            Pattern.DOTALL);
    /** A kcat command, with its continuation lines. */
    private static final Pattern KCAT = Pattern.compile("(?m)^\\s*kcat (?:[^\\n]*\\\\\\n)*[^\\n]*");
    private static final Pattern KCAT_OPTION = Pattern.compile("-X (\\S+?)=(\\S+)");

    private SaslClients() {
    }

    /** A principal's login on the SASL listener, as the hub configures its own (hub.kafka.*). */
    public static KafkaConnection login(String bootstrapServers, String user, String password) {
        return new KafkaConnection(bootstrapServers, new KafkaConnection.Security("SASL_PLAINTEXT"),
                new KafkaConnection.Sasl("SCRAM-SHA-512", user, password), new KafkaConnection.Ssl(null, null));
    }

    public static Map<String, Object> config(String bootstrapServers, String user, String password) {
        return login(bootstrapServers, user, password).clientConfig(Map.of());
    }

    /**
     * The {@code client.properties} a page tells a partner to save (the one kafka-console-producer reads with
     * {@code --producer.config}), as a Kafka client loads it.
     */
    public static Properties documentedProperties(Path page) throws IOException {
        Matcher block = PROPERTIES_BLOCK.matcher(Files.readString(page));
        if (!block.find()) {
            throw new AssertionError(page + " has no ```properties block starting with '# client.properties'");
        }
        Properties properties = new Properties();
        properties.load(new StringReader(block.group(1)));
        return properties;
    }

    /** The {@code -X name=value} settings of the first kcat command of a page (librdkafka's names). */
    public static Map<String, String> documentedKcatSettings(Path page) throws IOException {
        Matcher command = KCAT.matcher(Files.readString(page));
        if (!command.find()) {
            throw new AssertionError(page + " has no kcat command");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        Matcher option = KCAT_OPTION.matcher(command.group());
        while (option.find()) {
            settings.put(option.group(1), option.group(2));
        }
        return settings;
    }

    /** Fails within 10 s when refused, rather than the client's default minute. */
    public static KafkaProducer<String, String> producer(String bootstrapServers, String user, String password) {
        Map<String, Object> config = config(bootstrapServers, user, password);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    public static KafkaConsumer<String, String> consumer(String bootstrapServers, String user, String password,
                                                         String group) {
        Map<String, Object> config = config(bootstrapServers, user, password);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }
}
