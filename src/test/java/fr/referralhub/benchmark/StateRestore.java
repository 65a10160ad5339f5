package fr.referralhub.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import fr.referralhub.state.ReferralState;
import fr.referralhub.state.ReferralStateProperties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * How long an instance takes to get its referral state back when its state directory is gone (a new machine, a lost
 * disk): the Streams application is stopped, a history of referrals is added to the ledger's and the timeline's changelogs as
 * the referral state writes them, the directory is deleted, and the application started again; the start returns once every store
 * is restored and running. Printed with the heap used once it runs.
 */
final class StateRestore {

    /** The stores' changelogs are named by Kafka Streams: {@code <application id>-<store>-changelog}. */
    private static final String LEDGER_STORE = "referral-ledger";
    private static final String TIMELINE_STORE = "referral-timeline";

    private StateRestore() {
    }

    static void measure(ConfigurableApplicationContext hub, String bootstrap, int history) throws Exception {
        ReferralState state = hub.getBean(ReferralState.class);
        ReferralStateProperties properties = hub.getBean(ReferralStateProperties.class);
        state.stop();
        long written = System.nanoTime();
        writeHistory(bootstrap, properties.applicationId() + "-" + LEDGER_STORE + "-changelog",
                properties.applicationId() + "-" + TIMELINE_STORE + "-changelog", history,
                hub.getEnvironment().getProperty("hub.topics.partitions", Integer.class, 3));
        double writeSeconds = (System.nanoTime() - written) / 1e9;
        deleteRecursively(Path.of(properties.stateDir()));

        long started = System.nanoTime();
        state.start();
        double restoreSeconds = (System.nanoTime() - started) / 1e9;
        System.gc();
        long heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
        System.out.printf(Locale.ROOT, "referral state restored from its changelog after its state directory was deleted:"
                + " %.1f s, with %d referrals of history added to what the run wrote (written in %.1f s); heap used"
                + " once running: %d MB%n", restoreSeconds, history, writeSeconds, heapMb);
    }

    /**
     * Ledger entries and timeline lines as the referral state keeps them (docs/referral-state.md): a referral created,
     * routed to two subscriptions, with a decision, two deliveries and a status on its timeline. Keyed by referral id
     * with the default partitioner, as Kafka Streams writes its changelogs.
     */
    private static void writeHistory(String bootstrap, String ledgerChangelog, String timelineChangelog, int count,
                                     int partitions) {
        String now = Instant.now().toString();
        long millis = Instant.now().toEpochMilli();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String referralId = UUID.randomUUID().toString();
                String entry = """
                        {"partnerId":"france-travail-93","creationEventId":"HIST-%1$d","personReference":"P-%2$s",\
                        "personReferenceBasis":"NIR","cancelled":false,"events":{"HIST-%1$d":{"type":"CREATED",\
                        "contentHash":"fp1:%2$s"}},"lastActivity":%3$d,"statuses":{"adil-93":"ACCEPTED"},\
                        "statusEvents":{"adil-93\\u0001s-%1$d":{"changeId":"%2$s","serviceId":"adil-93",\
                        "statusEventId":"s-%1$d","previousStatus":"REQUESTED","status":"ACCEPTED","reasonCode":null}},\
                        "routing":{"referralId":"%2$s","sentTo":{"adil-93-logement":"adil-93",\
                        "action-logement-idf-visale":"action-logement-idf"},"held":false,"deliveredAt":\
                        {"adil-93-logement":"%4$s","action-logement-idf-visale":"%4$s"},"remindedAt":null}}\
                        """.formatted(i, referralId, millis, now);
                producer.send(new ProducerRecord<>(ledgerChangelog, referralId, entry));
                // On the partition of the referral's task (its id's partition), as Streams writes a changelog: the
                // default partitioner would spread one referral's lines over the key's whole text.
                int partition = Utils.toPositive(Utils.murmur2(referralId.getBytes(StandardCharsets.UTF_8)))
                        % partitions;
                lines(millis).forEach((key, line) -> producer.send(
                        new ProducerRecord<>(timelineChangelog, partition, referralId + key, line)));
            }
            producer.flush();
        }
    }

    /** Key suffix (NUL, record hash, NUL, kind) to line, as TimelineStore keeps them. */
    private static Map<String, String> lines(long millis) {
        String line = "{\"sourceId\":%d,\"atMillis\":%d,\"what\":\"%s\",\"partnerId\":%s,\"partnerEventId\":null,"
                + "\"partnerMillis\":0,\"serviceId\":%s,\"status\":%s,\"reasonCode\":null,\"reasonText\":\"%s\"}";
        Map<String, String> lines = new java.util.LinkedHashMap<>();
        lines.put("\u00001\u0000CREATED", line.formatted(1, millis, "CREATED", "\"france-travail-93\"", "null", "null", ""));
        lines.put("\u00002\u0000DECISION", line.formatted(2, millis, "DECISION", "null", "null", "null",
                "Mobili-Jeune : éligible (âge, alternance, salaire sous le plafond). Visale : éligible."));
        lines.put("\u00003\u0000DELIVERED", line.formatted(3, millis, "DELIVERED", "null", "\"adil-93\"", "null",
                "Orientation transmise."));
        lines.put("\u00004\u0000DELIVERED", line.formatted(4, millis, "DELIVERED", "null", "\"action-logement-idf\"",
                "null", "Orientation transmise."));
        lines.put("\u00005\u0000STATUS_CHANGED", line.formatted(5, millis, "STATUS_CHANGED", "null", "\"adil-93\"",
                "\"ACCEPTED\"", "Acceptée."));
        return lines;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
