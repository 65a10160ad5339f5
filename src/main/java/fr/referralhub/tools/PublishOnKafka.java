package fr.referralhub.tools;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.intake.SocialLandlordIntake;
import fr.referralhub.status.StatusReports;
import fr.referralhub.topics.TopicCatalog;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.LoggerFactory;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * Publishes files on a partner's or a service's own topic, one record per file, with the key the hub expects, so that
 * a newcomer on the embedded default needs no Kafka distribution nor kcat:
 *
 * <pre>
 * ./mvnw -q compile exec:java -Dexec.mainClass=fr.referralhub.tools.PublishOnKafka \
 *     -Dexec.args="landlord logis-hdf orientation.xml [more.xml ...] [--bootstrap-server host:port] [--producer-config file]"
 * ./mvnw -q compile exec:java -Dexec.mainClass=fr.referralhub.tools.PublishOnKafka \
 *     -Dexec.args="status adil-93 report.json [...]"
 * </pre>
 *
 * <ul>
 *   <li>{@code landlord <partnerId>}: XML documents on {@code intake.<partnerId>}, keyed by the referral's first
 *       {@code identifiant} (its {@code identifiantOrigine} for a MODIFICATION or ANNULATION): the topic has several
 *       partitions, and only one key keeps a referral's documents in order, its creation before its cancellation.</li>
 *   <li>{@code status <serviceId>}: JSON status reports on {@code status.<serviceId>}, keyed by their
 *       {@code referralId}, so one referral's reports stay in order.</li>
 * </ul>
 *
 * <p>The hub reads no header on these topics. Each file is sent as it is (the hub validates it and dead-letters what it
 * refuses); the command only checks what it needs for the key, and the intake topics' size limit, before sending
 * anything. Records are sent one after the other, each acknowledged by every replica ({@code acks=all}) before the
 * next: files given in order arrive in order. Nothing of a file's content is printed (it holds personal data).
 */
public final class PublishOnKafka {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USAGE = """
            usage: PublishOnKafka landlord <partnerId> <file.xml>... [--bootstrap-server host:port] [--producer-config file]
                   PublishOnKafka status <serviceId> <report.json>... [--bootstrap-server host:port] [--producer-config file]
              landlord: XML documents on intake.<partnerId>, keyed by the referral's first identifiant
              status:   JSON status reports (with referralId) on status.<serviceId>, keyed by referralId
              --bootstrap-server: default, the hub's own broker as its application.yaml says: KAFKA_BOOTSTRAP_SERVERS,
                                  else the embedded default (localhost, EMBEDDED_KAFKA_PORT)
              --producer-config: a Kafka producer properties file (security.protocol, sasl.*, ssl.* of a real
                                 cluster)""";

    /** What a publication needs: the topic, how to key a file, and the files. */
    record Publication(String topic, Keying keying, List<Path> files, String bootstrapServers, Path producerConfig) {
    }

    private record Keyed(Path path, String key, byte[] content) {
    }

    /** How the key of one file is found in its content; a file it cannot key is refused before anything is sent. */
    @FunctionalInterface
    interface Keying {
        String keyOf(byte[] content) throws InvalidFileException;
    }

    /** A file that cannot be published, with the reason for its sender. */
    static final class InvalidFileException extends Exception {
        InvalidFileException(String reason) {
            super(reason);
        }
    }

    private PublishOnKafka() {
    }

    public static void main(String[] args) {
        quietKafkaClientLogs();
        int exitCode = run(args, System.out, System.err);
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    /**
     * Publishes as the command line says; returns the exit code: 0 all published, 1 refused or not acknowledged, 2 a
     * wrong command line. Tests call it with the documented arguments.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Publication publication;
        try {
            publication = parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        // Every file read and keyed before the first is sent: a mistake in the last one publishes nothing.
        List<Keyed> keyed = new ArrayList<>();
        for (Path file : publication.files()) {
            try {
                byte[] content = Files.readAllBytes(file);
                checkSize(content);
                keyed.add(new Keyed(file, publication.keying().keyOf(content), content));
            } catch (IOException e) {
                err.println(file + ": cannot be read (" + e.getMessage() + "); nothing was published");
                return 1;
            } catch (InvalidFileException e) {
                err.println(file + ": " + e.getMessage() + "; nothing was published");
                return 1;
            }
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(publication),
                new StringSerializer(), new ByteArraySerializer())) {
            for (Keyed file : keyed) {
                RecordMetadata sent = producer.send(new ProducerRecord<>(publication.topic(), file.key(),
                        file.content())).get();
                out.printf("%s: published on %s, partition %d, offset %d, key %s%n", file.path(), sent.topic(),
                        sent.partition(), sent.offset(), file.key());
            }
            return 0;
        } catch (IOException e) {
            err.println("cannot read " + publication.producerConfig() + ": " + e.getMessage());
            return 1;
        } catch (ExecutionException e) {
            // The broker's refusal (unknown topic: no such landlord or service, a record over the topic's limit,
            // an ACL): files before it were published, the rest were not.
            err.println("not published on " + publication.topic() + ": " + e.getCause().getMessage());
            if (e.getCause() instanceof TimeoutException) {
                err.println("the hub creates intake.<partnerId> of each enabled landlord and status.<serviceId> of each"
                        + " enabled service at start-up: is the hub running, on that broker, and is the id right?");
            }
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * The broker the hub itself would use, read from its own application.yaml with the same environment overrides:
     * {@code KAFKA_BOOTSTRAP_SERVERS}, else its embedded broker on this machine ({@code hub.embedded.kafka.host} and
     * {@code EMBEDDED_KAFKA_PORT}). One place says where the broker is; this command does not say it again.
     */
    static String hubBootstrapServers() {
        StandardEnvironment hub = new StandardEnvironment();
        try {
            // The first document of application.yaml only: the others are profiles', which this command has none of.
            List<PropertySource<?>> documents = new YamlPropertySourceLoader().load("application.yaml",
                    new ClassPathResource("application.yaml"));
            hub.getPropertySources().addLast(documents.get(0));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the hub's application.yaml", e);
        }
        String configured = hub.getProperty("hub.kafka.bootstrap-servers", "");
        return configured.isBlank()
                ? hub.getRequiredProperty("hub.embedded.kafka.host") + ":" + hub.getRequiredProperty("hub.embedded.kafka.port")
                : configured;
    }

    static Publication parse(String[] args) {
        List<String> positional = new ArrayList<>();
        String bootstrapServers = null;
        Path producerConfig = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bootstrap-server" -> bootstrapServers = valueOf(args, ++i, "--bootstrap-server");
                case "--producer-config" -> producerConfig = Path.of(valueOf(args, ++i, "--producer-config"));
                default -> positional.add(args[i]);
            }
        }
        if (bootstrapServers == null) {
            bootstrapServers = hubBootstrapServers();
        }
        if (positional.size() < 3) {
            throw new IllegalArgumentException("expected what to publish, whose topic, and at least one file");
        }
        String owner = positional.get(1);
        List<Path> files = positional.subList(2, positional.size()).stream().map(Path::of).toList();
        return switch (positional.get(0)) {
            case "landlord" -> new Publication(SocialLandlordIntake.TOPIC_PREFIX + owner,
                    PublishOnKafka::landlordKey, files, bootstrapServers, producerConfig);
            case "status" -> new Publication(StatusReports.TOPIC_PREFIX + owner, PublishOnKafka::statusKey, files,
                    bootstrapServers, producerConfig);
            default -> throw new IllegalArgumentException("'" + positional.get(0)
                    + "' is not something to publish: landlord or status");
        };
    }

    private static String valueOf(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    /** The broker would refuse it anyway (max.message.bytes of the intake topics); said before anything is sent. */
    private static void checkSize(byte[] content) throws InvalidFileException {
        if (content.length > TopicCatalog.INTAKE_MAX_RECORD_BYTES) {
            throw new InvalidFileException(content.length + " bytes, over the " + TopicCatalog.INTAKE_MAX_RECORD_BYTES
                    + " bytes a record of these topics may have");
        }
    }

    /**
     * The referral's first identifiant: {@code identifiantOrigine} when the document has one (a MODIFICATION or an
     * ANNULATION names the creation), else its own {@code identifiant}. Read with StAX, DTDs and external entities off
     * (the hub refuses documents with a DOCTYPE anyway).
     */
    static String landlordKey(byte[] document) throws InvalidFileException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        String identifiant = null;
        String identifiantOrigine = null;
        try (InputStream in = new ByteArrayInputStream(document)) {
            XMLStreamReader xml = factory.createXMLStreamReader(in);
            try {
                int depth = 0;
                while (xml.hasNext()) {
                    int event = xml.next();
                    if (event == XMLStreamConstants.START_ELEMENT) {
                        depth++;
                        // Children of the root only: <orientation><identifiant>...
                        if (depth == 2 && "identifiant".equals(xml.getLocalName())) {
                            identifiant = xml.getElementText().strip();
                            depth--;
                        } else if (depth == 2 && "identifiantOrigine".equals(xml.getLocalName())) {
                            identifiantOrigine = xml.getElementText().strip();
                            depth--;
                        }
                    } else if (event == XMLStreamConstants.END_ELEMENT) {
                        depth--;
                    }
                }
            } finally {
                xml.close();
            }
        } catch (XMLStreamException | IOException e) {
            throw new InvalidFileException("not an XML document (" + e.getMessage().lines().findFirst().orElse("")
                    + ")");
        }
        String key = identifiantOrigine != null && !identifiantOrigine.isEmpty() ? identifiantOrigine : identifiant;
        if (key == null || key.isEmpty()) {
            throw new InvalidFileException("no <identifiant> under the root element: not an orientation document");
        }
        return key;
    }

    /** The report's {@code referralId}, which the hub requires on Kafka. */
    static String statusKey(byte[] report) throws InvalidFileException {
        JsonNode json;
        try {
            json = JSON.readTree(new StringReader(new String(report, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new InvalidFileException("not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        JsonNode referralId = json == null ? null : json.get("referralId");
        if (referralId == null || !referralId.isTextual() || referralId.asText().isBlank()) {
            throw new InvalidFileException("no \"referralId\": a status report on Kafka names its referral");
        }
        return referralId.asText();
    }

    private static Properties producerProperties(Publication publication) throws IOException {
        Properties properties = new Properties();
        if (publication.producerConfig() != null) {
            try (InputStream in = Files.newInputStream(publication.producerConfig())) {
                properties.load(in);
            }
        }
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, publication.bootstrapServers());
        properties.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "referral-hub-publish-on-kafka");
        // A broker that cannot be reached, or a topic that does not exist, is said within seconds, not after the
        // client's default minute.
        properties.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        return properties;
    }

    /**
     * Run by {@code exec:java} with no logging configuration, Logback would print every client's DEBUG lines; the
     * command's own lines are what its user needs. Only from {@link #main}: tests run it inside a hub.
     */
    private static void quietKafkaClientLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        }
    }
}
