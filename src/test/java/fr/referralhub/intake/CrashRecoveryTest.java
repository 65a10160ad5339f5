package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.testing.HubProcess;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.SharedKafka;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Nothing lost, nothing doubled, when the hub dies: the hub runs as a child JVM ({@link HubProcess}) on the test's
 * broker and is killed with SIGKILL (no shutdown hook, no graceful stop) in the middle of a dropped CSV file and of a
 * burst of XML records on a landlord's intake topic, then started again. Afterwards every valid input is on the
 * referrals topic exactly once, every invalid one is dead-lettered, the file is in done/ with a report that adds up,
 * and the restarted hub's counters say the same.
 *
 * <p>The kill must come after some, not all, of the input was published: otherwise nothing was interrupted and the
 * test fails instead of passing without proving anything.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashRecoveryTest {

    private static final String CSV_PARTNER = "cfa-btp-lyon";
    private static final String LANDLORD = "logis-hdf";
    private static final String INTAKE_TOPIC = SocialLandlordIntake.TOPIC_PREFIX + LANDLORD;
    private static final String LANDLORD_GROUP = "referral-hub-social-landlord-intake";
    /** Inputs per scenario, and every how many one is invalid: large enough that a kill lands mid-way. */
    private static final int INPUTS = 3000;
    private static final int INVALID_EVERY = 20;
    private static final Duration STARTUP_LIMIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the hub logs when it restores a killed run's stores instead of trusting them. */
    private static final String STORES_DISTRUSTED = "did not stop cleanly";

    /** Topic names, registry topic and folders of this class only: other tests share the broker. */
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String bootstrapServers = SharedKafka.bootstrapServers();
    private final String referralsTopic = "referrals.crash-" + run;
    private final String deadLettersTopic = "dead-letters.crash-" + run;
    private final Path workDir = Path.of("target", "crash-recovery", run);
    private final Path drops = workDir.resolve("drops");
    private int starts;
    private int registryPort;
    private HubProcess hub;

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.kill();
        }
    }

    @Test
    void shouldPublishEveryValidRowOfAFileExactlyOnceWhenTheHubIsKilledWhileReadingIt() throws Exception {
        runningHub();
        String prefix = "CRASH-CSV-" + run + "-";
        Set<String> valid = new HashSet<>();
        Set<String> invalidRows = new HashSet<>();
        String fileName = "crash-" + run + ".csv";
        dropCsv(fileName, prefix, valid, invalidRows);

        // A tenth of the file in: refused rows before the kill are then dead-lettered twice, which is accepted.
        int publishedAtKill = killOnceSomeArePublished(prefix, valid.size() / 10, valid.size());
        Path partnerFolder = drops.resolve(CSV_PARTNER);
        // Killed mid-file: the file was not marked processed and stays where it was dropped.
        assertThat(partnerFolder.resolve(fileName)).exists();
        assertThat(partnerFolder.resolve("done").resolve(fileName)).doesNotExist();

        hub = startHub();
        Path done = partnerFolder.resolve("done");
        await("file in done/ with its report").atMost(Duration.ofSeconds(120))
                .until(() -> Files.exists(done.resolve(fileName)) && Files.exists(done.resolve(fileName + ".report.json")));

        assertExactlyOnce(prefix, valid);
        // The restarted hub read the file from its first row: rows published before the kill are duplicates now.
        JsonNode report = JSON.readTree(done.resolve(fileName + ".report.json").toFile());
        assertThat(report.get("outcome").asText()).isEqualTo("PROCESSED");
        assertThat(report.get("rows").asInt()).isEqualTo(INPUTS);
        assertThat(report.get("rejected").asInt()).isEqualTo(invalidRows.size());
        // Rows sent to the referral ledger before the kill are decided after the restart even if nobody waits for the
        // answer any more: the file read again finds them duplicates too.
        int duplicates = report.get("duplicates").asInt();
        int accepted = report.get("accepted").asInt();
        assertThat(duplicates).isGreaterThanOrEqualTo(publishedAtKill);
        assertThat(accepted + duplicates).isEqualTo(valid.size());
        assertThat(partnerFolder.resolve(fileName + ".camelLock")).doesNotExist();

        // Refused rows are dead-lettered with file name and row; rows refused before the kill are dead-lettered again
        // when the file is read again (at-least-once), so they are counted by origin (file, row).
        List<ConsumerRecord<String, byte[]>> deadLetters = TopicReader.readToEnd(bootstrapServers, deadLettersTopic,
                r -> fileName.equals(TopicReader.header(r, DeadLetters.FILE_NAME)));
        assertThat(deadLetters.stream().map(r -> TopicReader.header(r, DeadLetters.FILE_ROW)).collect(Collectors.toSet()))
                .isEqualTo(invalidRows);
        assertThat(deadLetters).allSatisfy(r -> assertThat(TopicReader.header(r, DeadLetters.REASONS)).startsWith("nir "));
        System.out.printf("CSV kill -9: %d of %d valid rows published before the kill; %d dead letters for %d refused "
                + "rows (repeats: refused again after the restart)%n", publishedAtKill, valid.size(), deadLetters.size(),
                invalidRows.size());

        // The restarted hub's own accounting is the report's.
        Map<String, Double> counters = intakeCounters("CSV_FILE", CSV_PARTNER);
        assertThat(counters).containsEntry("received", (double) INPUTS)
                .containsEntry("published", (double) accepted)
                .containsEntry("duplicate", (double) duplicates)
                .containsEntry("rejected", (double) invalidRows.size());
    }

    @Test
    void shouldPublishEveryValidRecordOfABurstExactlyOnceWhenTheHubIsKilledWhileConsumingIt() throws Exception {
        runningHub();
        String prefix = "CRASH-XML-" + run + "-";
        Set<String> valid = new HashSet<>();
        Set<String> invalid = new HashSet<>();
        sendXmlBurst(prefix, valid, invalid);

        // Records are published in batches (up to 500): kill right after the first is seen.
        int publishedAtKill = killOnceSomeArePublished(prefix, 1, valid.size());

        hub = startHub();
        // Settled: every record of the intake topic is committed by the landlords' consumer group.
        await("intake topic consumed and committed").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(this::intakeTopicCommitted);

        assertExactlyOnce(prefix, valid);
        // Records consumed but not committed before the kill are consumed again: those refused are dead-lettered
        // again, so dead letters are counted by origin (topic, partition, offset).
        List<ConsumerRecord<String, byte[]>> deadLetters = TopicReader.readToEnd(bootstrapServers, deadLettersTopic,
                r -> r.key() != null && r.key().startsWith(prefix));
        assertThat(deadLetters).allSatisfy(r -> {
            assertThat(TopicReader.header(r, "__connect.errors.topic")).isEqualTo(INTAKE_TOPIC);
            assertThat(TopicReader.header(r, DeadLetters.REASONS)).startsWith("orientation/nature ");
        });
        assertThat(deadLetters.stream().map(ConsumerRecord::key).collect(Collectors.toSet())).isEqualTo(invalid);
        assertThat(deadLetters.stream().map(r -> TopicReader.header(r, "__connect.errors.partition") + "@"
                + TopicReader.header(r, "__connect.errors.offset")).distinct()).hasSize(invalid.size());
        System.out.printf("XML kill -9: %d of %d valid records published before the kill; %d dead letters for %d "
                + "refused records (repeats: consumed again after the restart)%n", publishedAtKill, valid.size(),
                deadLetters.size(), invalid.size());

        // Only what the killed hub had not published is published by the restarted one; the records of batches it had
        // not committed are all read again, published or found duplicates.
        Map<String, Double> counters = intakeCounters("KAFKA_XML", LANDLORD);
        assertThat(counters.get("published")).isLessThanOrEqualTo(valid.size() - publishedAtKill);
        assertThat(counters.get("published") + counters.getOrDefault("duplicate", 0.0))
                .isGreaterThanOrEqualTo(valid.size() - publishedAtKill);
    }

    /**
     * A killed instance's stores are restored from the changelogs, not trusted: Kafka Streams 3.9 leaves checkpoint
     * files behind while its tasks run, and RocksDB may hold writes of transactions that were aborted
     * (fr.referralhub.state.StoresAfterCrash). A cleanly stopped instance's stores are trusted.
     */
    @Test
    void shouldRestoreTheStoresOfAKilledInstanceFromTheChangelogsAndTrustThoseOfACleanStop() throws Exception {
        runningHub();
        String prefix = "CRASH-STORES-" + run + "-";
        Set<String> valid = new HashSet<>();
        sendXml(prefix, 40, valid, new HashSet<>());
        await("the records published").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> publishedIds(prefix).containsAll(valid));

        HubProcess stopped = hub;
        assertThat(stopped.stop(Duration.ofSeconds(120))).as("a clean stop; end of its log:\n%s", stopped.tail())
                .isTrue();
        hub = startHub();
        assertThat(Files.readString(hub.log(), StandardCharsets.UTF_8)).as("after a clean stop")
                .doesNotContain(STORES_DISTRUSTED);

        // This run's tasks checkpointed the end of their restoration (the ledger is not empty), and nothing removes
        // those files while they run: a kill leaves them behind.
        hub.kill();
        assertThat(taskCheckpoints()).as("checkpoints left by the killed instance").isNotEmpty();
        hub = startHub();
        String log = Files.readString(hub.log(), StandardCharsets.UTF_8);
        assertThat(log).as("after a kill").contains(STORES_DISTRUSTED);
        // Kafka Streams' own words when it wipes a store without a checkpoint under exactly-once, then restores it.
        assertThat(log).contains("did not find checkpoint offsets while stores are not empty");

        // The restored ledger knows every record: sent again, each is a duplicate, none published twice.
        sendXml(prefix, 40, new HashSet<>(), new HashSet<>());
        await("intake topic consumed and committed").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(this::intakeTopicCommitted);
        assertExactlyOnce(prefix, valid);
        assertThat(intakeCounters("KAFKA_XML", LANDLORD).get("duplicate")).isGreaterThanOrEqualTo(valid.size());
    }

    /** The checkpoint files of the referral state's tasks in the hub's data directory. */
    private List<Path> taskCheckpoints() throws Exception {
        Path application = workDir.resolve("data").resolve("referral-state").resolve("referral-hub-state-crash-" + run);
        try (var files = Files.walk(application, 2)) {
            return files.filter(file -> file.getFileName().toString().equals(".checkpoint"))
                    .filter(file -> file.getParent().getFileName().toString().matches("\\d+_\\d+")).toList();
        }
    }

    /** The current hub, started if there is none (each test leaves the restarted hub running for the next). */
    private void runningHub() {
        if (hub == null || !hub.isAlive()) {
            hub = startHub();
        }
    }

    private HubProcess startHub() {
        starts++;
        registryPort = SharedKafka.freePort();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("hub.kafka.bootstrap-servers", bootstrapServers);
        // Its own embedded registry, keeping schemas in a topic of this class: the next hub reads them back, so
        // schema ids survive the kill.
        properties.put("hub.embedded.schema-registry.port", String.valueOf(registryPort));
        properties.put("hub.embedded.schema-registry.host", "127.0.0.1");
        properties.put("hub.embedded.schema-registry.topic", "_schemas-crash-" + run);
        properties.put("hub.embedded.data-dir", workDir.resolve("data").toAbsolutePath().toString());
        properties.put("hub.intake.file-drops.root", drops.toAbsolutePath().toString());
        properties.put("hub.topics.referrals", referralsTopic);
        properties.put("hub.topics.eligibility-decisions", "eligibility-decisions.crash-" + run);
        properties.put("hub.topics.dead-letters", deadLettersTopic);
        properties.put("hub.topics.intake-submissions", "intake-submissions.crash-" + run);
        properties.put("hub.topics.intake-decisions", "intake-decisions.crash-" + run);
        properties.put("hub.referral-state.application-id", "referral-hub-state-crash-" + run);
        // A killed consumer leaves the group only when its session expires: keep that short so the next hub gets the
        // partitions within seconds.
        properties.put("camel.component.kafka.session-timeout-ms", "6000");
        properties.put("camel.component.kafka.heartbeat-interval-ms", "1000");
        // Hawtio is not needed here; JMX off saves start-up time.
        properties.put("spring.jmx.enabled", "false");
        properties.put("camel.main.jmx-enabled", "false");
        return HubProcess.start(properties, workDir.resolve("hub-" + starts + ".log"), STARTUP_LIMIT);
    }

    /**
     * Watches the referrals topic and kills the hub as soon as {@code threshold} of the run's inputs are published;
     * returns how many were published when it died. Fails if all were: the kill came too late to prove anything.
     */
    private int killOnceSomeArePublished(String prefix, int threshold, int validCount) {
        try (KafkaConsumer<String, byte[]> consumer = fromTheBeginning(referralsTopic)) {
            Set<String> seen = new HashSet<>();
            await("some of the run published").atMost(Duration.ofSeconds(120)).pollInSameThread()
                    .pollInterval(Duration.ofMillis(20)).until(() -> {
                        consumer.poll(Duration.ofMillis(50)).forEach(r -> {
                            String id = TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID);
                            if (id != null && id.startsWith(prefix)) {
                                seen.add(id);
                            }
                        });
                        return seen.size() >= threshold;
                    });
        }
        hub.kill();
        int published = publishedIds(prefix).size();
        assertThat(published).as("inputs published when the hub was killed (the kill must interrupt the work: make "
                + "the input bigger if all were published)").isGreaterThan(0).isLessThan(validCount);
        return published;
    }

    private void assertExactlyOnce(String prefix, Set<String> valid) {
        Map<String, Long> copies = publishedIds(prefix).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(copies.keySet()).as("valid inputs on %s", referralsTopic).isEqualTo(valid);
        assertThat(copies).as("copies of each published input").allSatisfy((id, count) -> assertThat(count).isOne());
        // Schema ids survived the restart: one id for every record, which the restarted hub's registry resolves.
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readToEnd(bootstrapServers, referralsTopic,
                r -> String.valueOf(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)).startsWith(prefix));
        assertThat(records.stream().map(r -> java.nio.ByteBuffer.wrap(r.value(), 1, 4).getInt()).distinct())
                .hasSize(1);
        AvroDeserializer avro = new AvroDeserializer();
        avro.configure(Map.of("schema.registry.url", "http://127.0.0.1:" + registryPort, "specific.avro.reader", true),
                false);
        assertThat(avro.deserialize(referralsTopic, records.get(0).value())).isInstanceOf(ReferralEvent.class);
    }

    /** The partner event ids of the run on the referrals topic, one entry per record (copies included). */
    private List<String> publishedIds(String prefix) {
        return TopicReader.readToEnd(bootstrapServers, referralsTopic).stream()
                .map(r -> TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID))
                .filter(id -> id != null && id.startsWith(prefix)).toList();
    }

    private void dropCsv(String fileName, String prefix, Set<String> valid, Set<String> invalidRows) throws Exception {
        List<String> sample = Files.readAllLines(Samples.DIR.resolve(TrainingBodyCsvReaderTest.SAMPLE),
                StandardCharsets.UTF_8);
        String header = sample.get(0);
        String validRow = sample.get(1).substring(sample.get(1).indexOf(';'));
        // The spreadsheet-corrupted NIR: refused.
        String invalidRow = sample.get(3).substring(sample.get(3).indexOf(';'));
        StringBuilder csv = new StringBuilder(header).append('\n');
        for (int i = 1; i <= INPUTS; i++) {
            String id = prefix + i;
            boolean refused = i % INVALID_EVERY == 0;
            csv.append(id).append(refused ? invalidRow : validRow).append('\n');
            if (refused) {
                invalidRows.add(String.valueOf(i + 1)); // the header is row 1
            } else {
                valid.add(id);
            }
        }
        Path folder = drops.resolve(CSV_PARTNER);
        Files.createDirectories(folder);
        Path partial = folder.resolve(fileName + ".part");
        Files.writeString(partial, csv, StandardCharsets.UTF_8);
        Files.move(partial, folder.resolve(fileName), StandardCopyOption.ATOMIC_MOVE);
    }

    private void sendXmlBurst(String prefix, Set<String> valid, Set<String> invalid) throws Exception {
        sendXml(prefix, INPUTS, valid, invalid);
    }

    /** {@code count} landlord records on the intake topic, one in {@link #INVALID_EVERY} invalid. */
    private void sendXml(String prefix, int count, Set<String> valid, Set<String> invalid) throws Exception {
        String sample = Samples.text(SocialLandlordXmlReaderTest.SAMPLE_871);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 1; i <= count; i++) {
                String id = prefix + i;
                String document = sample.replace("HDF-LOGIS-2026-000871", id);
                if (i % INVALID_EVERY == 0) {
                    document = document.replace("<nature>CREATION</nature>", "<nature>INCONNUE</nature>");
                    invalid.add(id);
                } else {
                    valid.add(id);
                }
                producer.send(new ProducerRecord<>(INTAKE_TOPIC, id, document.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private boolean intakeTopicCommitted() throws Exception {
        Map<TopicPartition, Long> end = TopicReader.endOffsets(bootstrapServers, INTAKE_TOPIC);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(LANDLORD_GROUP)
                    .partitionsToOffsetAndMetadata().get();
            return end.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                    && committed.get(e.getKey()).offset() >= e.getValue());
        }
    }

    private KafkaConsumer<String, byte[]> fromTheBeginning(String topic) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** hub_intake_* counters of the running hub for one channel and partner, by outcome (and "received"). */
    private Map<String, Double> intakeCounters(String channel, String partner) throws Exception {
        HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + hub.port() + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Double> counters = new LinkedHashMap<>();
        for (String line : scrape.body().lines().toList()) {
            if (!line.contains("channel=\"" + channel + "\"") || !line.contains("partner=\"" + partner + "\"")) {
                continue;
            }
            double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            if (line.startsWith("hub_intake_received_total{")) {
                counters.put("received", value);
            } else if (line.startsWith("hub_intake_outcomes_total{")) {
                String outcome = line.replaceFirst(".*outcome=\"([a-z]+)\".*", "$1");
                counters.put(outcome, value);
            }
        }
        return counters;
    }
}
