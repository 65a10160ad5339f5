package fr.referralhub.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.ReferralHubApplication;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.provenance.HubKafkaClients;
import fr.referralhub.schemaregistry.SchemaRegistryClient;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.schemaregistry.SubjectNaming;
import fr.referralhub.state.ReferralStateProperties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Throughput and latency of the hub's flow beside a plain kafka-clients consume-transform-produce baseline, measured
 * in one JVM, on one broker, with the same records. A benchmark, not a test: nothing asserts, it prints a table.
 *
 * <pre>
 * ./mvnw -Pbenchmark
 * ./mvnw -Pbenchmark -Dbenchmark.records=20000 -Dbenchmark.httpRecords=5000   # the defaults, spelled out
 * </pre>
 * The profile's default goals are {@code test-compile exec:exec}: compile, then run this class in a forked JVM on the
 * test classpath (it lives under src/test/java and is named so that Surefire never runs it).
 *
 * <p>Stages, all measured after starting the whole hub ({@link ReferralHubApplication}, embedded broker and registry
 * on free ports, throw-away data directory):
 * <ol>
 *   <li><b>baseline json-&gt;avro</b>: a plain consumer reads the employment-agency JSON sample (unique idEvenement
 *       and NIR per record), reads it with the hub's {@code EmploymentAgencyEventReader}, derives ids, pseudonymises,
 *       Avro-encodes the canonical ReferralEvent and produces it; per poll batch: flush, then commit.</li>
 *   <li><b>baseline decide</b>: the same loop deciding eligibility: Avro ReferralEvent in,
 *       {@code EligibilityEngine.withBundledRuleSets()}, Avro EligibilityDecision out. The baseline of 3.</li>
 *   <li><b>hub referral state</b>: canonical ReferralEvents submitted as the intake submits them (same fields, key
 *       and headers) to {@code intake-submissions.v1}, measured until each has its decision on
 *       {@code eligibility-decisions.v1}: the referral state records it, publishes it on referrals.v1, decides it
 *       and routes it to the counselling services and the referrer, in one Kafka transaction (exactly once), which the
 *       baseline does not, with every route of the hub on.</li>
 *   <li><b>hub http intake</b> beside <b>baseline http</b> ({@link HttpComparison}): partners POSTing unique events
 *       to the hub's {@code /api/v1/referrals} (each answer waits for the referral state's transaction) and to a plain
 *       JDK HTTP server doing the same work up to the broker's acknowledgement ({@link HttpBaseline}), over 64 and 256
 *       keep-alive connections (closed loops, {@link HttpLoad}), then at a fixed 1,000 requests a second (open loop,
 *       latency from when each request was due). Then the hub's ratio to the baseline and issue 14's targets.</li>
 * </ol>
 * First every stage is warmed up ({@code benchmark.warmupPercent} of the records, not printed: right after the hub's
 * start the JIT is still compiling start-up code, and a stage measured then pays for it). Then each Kafka stage gets
 * one run at full speed (throughput; its latency would only be time queued behind the backlog, so it is not printed)
 * and one run per fixed rate (latency of each record: its output read minus its input handed to the producer). The
 * baselines use the hub's producer settings (acks=all, idempotent, linger 0) and its broker, on their own topics with
 * the hub's partition count. After the table: the full-speed throughput of the hub's route over the decide baseline,
 * then the HTTP intake over its baseline and issue 14's targets.
 *
 * <p>Settings (system properties; the Maven profile passes on the same names): {@code benchmark.records} (20000),
 * {@code benchmark.httpRecords} (5000: requests per HTTP run, and to the separate instance), {@code
 * benchmark.httpConnections} (64,256: connections of the closed HTTP loops; the open loop uses the last),
 * {@code benchmark.httpRate} (1000: requests/s of the open loop), {@code benchmark.rates} (2000,500: records/s
 * of the latency runs), {@code benchmark.latencyRecords} (auto: 5 s worth at each rate, at most records),
 * {@code benchmark.warmupPercent} (50), {@code benchmark.stageTimeoutSeconds} (300, per run),
 * {@code benchmark.timeoutSeconds} (1200, the whole benchmark), {@code benchmark.history} (100000: referrals added
 * to the referral state's changelog before its restore is timed). Progress goes to stderr, the table to stdout.
 * Exit status: 0 when every stage finished, 2 when one did not (the message says which), 1 on any other error,
 * 3 when the whole benchmark timed out.
 */
public final class FlowBenchmark {

    private static final String PARTNER_EVENTS = "benchmark.partner-events";
    private static final String CANONICAL = "benchmark.canonical-referrals";
    private static final String REFERRALS = "benchmark.referrals";
    private static final String DECISIONS = "benchmark.eligibility-decisions";
    private static final String SAME_WORK_REFERRALS = "benchmark.same-work-referrals";
    private static final String SAME_WORK_DECISIONS = "benchmark.same-work-decisions";
    private static final String HTTP_BASELINE_REFERRALS = "benchmark.http-baseline-referrals";
    /** Topics the same-work baseline writes its other records to: more than the referral state writes per event. */
    private static final List<String> SAME_WORK_COPIES = IntStream.range(0, 24)
            .mapToObj(i -> "benchmark.same-work-copy-" + i).toList();

    private static final String JSON_BASELINE = "baseline json->avro";
    private static final String DECIDE_BASELINE = "baseline decide";
    private static final String SAME_WORK_BASELINE = "baseline same work, exactly once";
    /**
     * The referral state (Kafka Streams, exactly once): each submission recorded, published on referrals.v1, decided
     * once on eligibility-decisions.v1 and routed to the counselling services and the referrer (DECISION, DELIVERED
     * feedback), in one transaction, with every route of the hub on. No route reads what it writes in this flow any
     * more (the decision feedback route did until session 6), so there is no "alone" figure to give beside it.
     */
    private static final String HUB_ROUTE = "hub referral state, all routes on";
    private static final String MAX_RATE = " (max rate)";

    private final int records = Integer.getInteger("benchmark.records", 20_000);
    private final int httpRecords = Integer.getInteger("benchmark.httpRecords", 5_000);
    private final int[] httpConnections = numbers("benchmark.httpConnections", "64,256");
    private final int httpRate = Integer.getInteger("benchmark.httpRate", 1_000);
    private final int[] rates = numbers("benchmark.rates", "2000,500");
    private final int warmupPercent = Integer.getInteger("benchmark.warmupPercent", 50);
    private final Duration stageTimeout = Duration.ofSeconds(Long.getLong("benchmark.stageTimeoutSeconds", 300));
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    /**
     * {@code -Dbenchmark.only=http}: the HTTP comparison alone (about 2 minutes instead of 8), to try a change to the
     * intake path; the figures that count come from a whole run.
     */
    private final boolean httpOnly = "http".equals(System.getProperty("benchmark.only", "all"));

    private final List<StageResult> results = new ArrayList<>();

    public static void main(String[] args) {
        // The JDK's HTTP server (the baseline's) closes a connection that goes idle while 200 others are: with 256
        // connections it would close some between two requests. Read once, when the embedded registry's server
        // starts, so it is set first.
        System.setProperty("sun.net.httpserver.maxIdleConnections", "1024");
        // It also writes an answer's head and body separately with Nagle's algorithm on, unless told: each keep-alive
        // answer then waited for the client's delayed ACK, a 40-45 ms floor under closed loops. Tomcat, the hub's
        // server, sets TCP_NODELAY; so does the baseline.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        long totalSeconds = Long.getLong("benchmark.timeoutSeconds", 1200);
        // A deadline, not a wait: the whole run is bounded even if a stage hangs.
        daemonTimer("benchmark-watchdog").schedule(() -> {
            System.err.println("BENCHMARK FAILED: not finished within " + totalSeconds
                    + " s (-Dbenchmark.timeoutSeconds)");
            exit(3);
        }, totalSeconds, TimeUnit.SECONDS);

        int status;
        FlowBenchmark benchmark = new FlowBenchmark();
        try {
            benchmark.run();
            status = 0;
        } catch (StageFailure e) {
            benchmark.printTable();
            System.out.println();
            System.out.println("BENCHMARK FAILED: " + e.getMessage());
            if (e.getCause() != null) {
                e.getCause().printStackTrace();
            }
            status = 2;
        } catch (Throwable e) {
            System.out.println("BENCHMARK FAILED: " + e);
            e.printStackTrace();
            status = 1;
        }
        exit(status);
    }

    private void run() throws Exception {
        Runtime runtime = Runtime.getRuntime();
        List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(option -> option.startsWith("-X")).toList();
        System.out.printf(Locale.ROOT, "machine: %d cores, %s %s %s, JVM %s %s, max heap %d MB %s%n",
                runtime.availableProcessors(), System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"), System.getProperty("java.vm.name"), System.getProperty("java.vm.version"),
                runtime.maxMemory() / (1024 * 1024), jvmOptions);
        System.out.printf(Locale.ROOT, "settings: %d records per full-speed Kafka run (+%d warm-up), latency runs at %s,"
                        + " http %d requests per run (+%d warm-up) over %s connections, and at %d/s%n",
                records, warmup(records), IntStream.of(rates).mapToObj(r -> latencyRecords(r) + " records at " + r + "/s")
                        .collect(Collectors.joining(" and ")), httpRecords, warmup(httpRecords),
                IntStream.of(httpConnections).mapToObj(Integer::toString).collect(Collectors.joining(" and ")),
                httpRate);
        System.out.flush();

        if (!httpOnly) {
            progress("the embedded default in a JVM of its own: ready time, fresh and restarted");
            EmbeddedDefaultReady.measure();
        }

        Path dataDir = Files.createTempDirectory("referral-hub-benchmark");
        progress("starting the hub (embedded broker and registry, data in " + dataDir + ")");
        ConfigurableApplicationContext hub = null;
        HttpComparison httpSummary = null;
        try {
            hub = startHub(dataDir);
            Environment env = hub.getEnvironment();
            String bootstrap = env.getRequiredProperty("hub.kafka.bootstrap-servers");
            SchemaRegistryProperties registry = hub.getBean(SchemaRegistryProperties.class);
            String hubReferrals = env.getRequiredProperty("hub.topics.referrals");
            String hubSubmissions = hub.getBean(HubTopicProperties.class).intakeSubmissions();
            // The referral state decides only submissions the hub signed (fr.referralhub.provenance).
            HubKafkaClients hubClients = hub.getBean(HubKafkaClients.class);
            String hubDecisions = env.getRequiredProperty("hub.topics.eligibility-decisions");
            int partitions = env.getProperty("hub.topics.partitions", Integer.class, 3);
            int streamThreads = hub.getBean(ReferralStateProperties.class).streamThreads();
            URI intake = URI.create("http://127.0.0.1:" + env.getRequiredProperty("local.server.port") + "/api/v1/referrals");
            // The threads the hub runs its HTTP routes on (application.yaml): the baseline gets as many.
            int httpWorkers = env.getRequiredProperty("server.tomcat.threads.max", Integer.class);
            System.out.println("broker: " + bootstrap + ", registry: " + registry.url() + ", topics with " + partitions
                    + " partitions");

            createBaselineTopics(bootstrap, registry, partitions);
            BenchmarkData data = new BenchmarkData(new ObjectMapper(), registry, hubReferrals);

            // Every processor runs from here to the end, so each stage is measured beside the same idle neighbours.
            try (PlainStage jsonBaseline = PlainStage.jsonToAvro(bootstrap, registry, PARTNER_EVENTS, CANONICAL, data);
                 PlainStage decideBaseline = PlainStage.decide(bootstrap, registry, REFERRALS, DECISIONS);
                 PlainStage sameWorkBaseline = PlainStage.decideSameWork(bootstrap, registry, SAME_WORK_REFERRALS,
                         SAME_WORK_DECISIONS, SAME_WORK_COPIES, streamThreads);
                 KafkaStage json = new KafkaStage(bootstrap, registry, PARTNER_EVENTS, CANONICAL,
                         FlowBenchmark::partnerEventId, jsonBaseline::failure, stageTimeout,
                         KafkaStage::plainProducer);
                 KafkaStage decide = new KafkaStage(bootstrap, registry, REFERRALS, DECISIONS,
                         FlowBenchmark::decidedEventId, decideBaseline::failure, stageTimeout,
                         KafkaStage::plainProducer);
                 KafkaStage route = new KafkaStage(bootstrap, registry, hubSubmissions, hubDecisions,
                         FlowBenchmark::decidedEventId, () -> null, stageTimeout, config -> hubClients.producer(config,
                                 new org.apache.kafka.common.serialization.StringSerializer(),
                                 new org.apache.kafka.common.serialization.ByteArraySerializer()));
                 KafkaStage sameWork = new KafkaStage(bootstrap, registry, SAME_WORK_REFERRALS, SAME_WORK_DECISIONS,
                         FlowBenchmark::decidedEventId, sameWorkBaseline::failure, stageTimeout,
                         KafkaStage::plainProducer);
                 HttpBaseline httpBaseline = new HttpBaseline(bootstrap, registry, HTTP_BASELINE_REFERRALS, data,
                         httpWorkers)) {
                List<Subject> subjects = List.of(
                        new Subject(JSON_BASELINE, json, data::partnerJsonInputs),
                        new Subject(DECIDE_BASELINE, decide, data::canonicalInputs),
                        new Subject(HUB_ROUTE, route, data::submissionInputs),
                        new Subject(SAME_WORK_BASELINE, sameWork, data::canonicalInputs));
                HttpComparison http = new HttpComparison(new HttpLoad(intake, stageTimeout),
                        new HttpLoad(intake, stageTimeout, "Prefer: respond-async"),
                        new ReferralStateLag(bootstrap, hub.getBean(ReferralStateProperties.class).applicationId(),
                                hubSubmissions, stageTimeout),
                        new HttpLoad(httpBaseline.uri(), stageTimeout), httpConnections, httpRate,
                        (prefix, count) -> bodies(data, "BENCH-" + run + "-HTTP-" + prefix, count),
                        FlowBenchmark::progress);

                // Warm every code path first: right after the hub's start the JIT compiler is still busy with
                // start-up code, and on 2 cores a stage measured then would pay for it.
                for (Subject subject : httpOnly ? List.<Subject>of() : subjects) {
                    String prefix = run + "-" + subject.tag() + "-warm-";
                    progress(subject.name() + ": warm-up, " + warmup(records) + " records");
                    long sentBefore = recordsSent();
                    subject.stage().run(subject.name() + " warm-up", subject.inputs().apply(prefix, warmup(records)),
                            prefix, 0, false);
                    if (subject.name().equals(HUB_ROUTE)) {
                        // Everything the referral state's producers wrote while it took these events in, expiry
                        // checks and timeline lines included: the same-work baseline writes as many per event.
                        long perEvent = Math.round((double) (recordsSent() - sentBefore) / warmup(records));
                        progress(HUB_ROUTE + ": " + perEvent + " records written per event (its producers' count)");
                        sameWorkBaseline.copies((int) Math.max(0, perEvent - 1));
                    }
                }
                http.warmUp(warmup(httpRecords));

                for (Subject subject : httpOnly ? List.<Subject>of() : subjects) {
                    measure(subject);
                }
                progress(jsonBaseline.describe());
                progress(decideBaseline.describe());
                results.addAll(http.measure(httpRecords));
                httpSummary = http;
            }
            if (!httpOnly) {
                int history = Integer.getInteger("benchmark.history", 100_000);
                progress("referral state: " + history
                        + " referrals of history, then a restore without its state directory");
                StateRestore.measure(hub, bootstrap, history);
                progress("a new hub instance (own JVM) on that history: ready time, then its heap under load,"
                        + " then a restart");
                List<byte[]> newInstanceBodies = bodies(data, "BENCH-" + run + "-NEW-", httpRecords);
                ReadyWithHistory.measure(hub, bootstrap, registry, history,
                        port -> new HttpLoad(URI.create("http://127.0.0.1:" + port + "/api/v1/referrals"), stageTimeout)
                                .closedLoop("new instance http intake", newInstanceBodies, httpConnections[0]));
            }
        } finally {
            if (hub != null) {
                progress("stopping the hub");
                closeWithin(hub, Duration.ofSeconds(60));
            }
            deleteQuietly(dataDir);
        }

        printTable();
        System.out.println();
        if (httpOnly) {
            httpSummary.printSummary();
            return;
        }
        StageResult hubMax = result(HUB_ROUTE + MAX_RATE);
        StageResult decideMax = result(DECIDE_BASELINE + MAX_RATE);
        StageResult jsonMax = result(JSON_BASELINE + MAX_RATE);
        for (int rate : rates) {
            System.out.printf(Locale.ROOT, "p99 at %d/s: %s %.2f ms, %s %.2f ms%n", rate,
                    HUB_ROUTE, result(HUB_ROUTE + atRate(rate)).percentile(99) / 1e6,
                    DECIDE_BASELINE, result(DECIDE_BASELINE + atRate(rate)).percentile(99) / 1e6);
        }
        System.out.printf(Locale.ROOT, "hub referral state / json->avro baseline = %.2f (for reference only)%n",
                hubMax.perSecond() / jsonMax.perSecond());
        System.out.printf(Locale.ROOT, "hub referral state / same-work baseline = %.2f (%s vs %s: what the hub's own"
                        + " code costs beyond the records and transactions it must write)%n",
                hubMax.perSecond() / result(SAME_WORK_BASELINE + MAX_RATE).perSecond(), HUB_ROUTE, SAME_WORK_BASELINE);
        double ratio = hubMax.perSecond() / decideMax.perSecond();
        System.out.printf(Locale.ROOT, "hub referral state / baseline = %.2f (full-speed throughput, %s vs %s;"
                + " target 0.80 %s)%n", ratio, HUB_ROUTE, DECIDE_BASELINE, ratio >= 0.8 ? "met" : "NOT met");
        httpSummary.printSummary();
    }

    /** A Kafka-to-Kafka stage under test: what drives it and what it is fed (inputs for an id prefix and a count). */
    private record Subject(String name, KafkaStage stage, BiFunction<String, Integer, List<BenchmarkData.Input>> inputs) {
        String tag() {
            return name.replaceAll("[^a-z]+", "");
        }
    }

    /** A full-speed run for throughput, then one fixed-rate run per rate for latency. */
    private void measure(Subject subject) {
        String prefix = run + "-" + subject.tag() + "-max-";
        List<BenchmarkData.Input> full = subject.inputs().apply(prefix, records);
        progress(subject.name() + ": " + records + " records at full speed");
        results.add(subject.stage().run(subject.name() + MAX_RATE, full, prefix, 0, false));
        for (int rate : rates) {
            prefix = run + "-" + subject.tag() + "-rate" + rate + "-";
            int count = latencyRecords(rate);
            List<BenchmarkData.Input> paced = subject.inputs().apply(prefix, count);
            progress(subject.name() + ": " + count + " records at " + rate + "/s");
            results.add(subject.stage().run(subject.name() + atRate(rate), paced, prefix, rate, true));
        }
    }

    /** A comma-separated list of whole numbers from a system property. */
    private static int[] numbers(String property, String defaults) {
        return Stream.of(System.getProperty(property, defaults).split(","))
                .map(String::trim).filter(number -> !number.isEmpty()).mapToInt(Integer::parseInt).toArray();
    }

    private static String atRate(int rate) {
        return " (at " + rate + "/s)";
    }

    private int latencyRecords(int rate) {
        return Integer.getInteger("benchmark.latencyRecords", Math.min(records, rate * 5));
    }

    private static ConfigurableApplicationContext startHub(Path dataDir) {
        // Command-line arguments: they take precedence over application.yaml (default properties would not).
        return new SpringApplicationBuilder(ReferralHubApplication.class)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .run("--spring.profiles.active=dev",
                        "--hub.embedded.kafka.port=0",
                        "--hub.embedded.kafka.controller-port=0",
                        "--hub.embedded.schema-registry.port=0",
                        "--hub.embedded.data-dir=" + dataDir,
                        // All the load comes from one address here; the per-client limit is for partners.
                        "--hub.http.max-requests-per-client=100000",
                        "--server.port=0",
                        "--logging.level.root=WARN",
                        // A fresh KRaft data directory always gets this bootstrap warning.
                        "--logging.level.org.apache.kafka.controller.QuorumController=ERROR",
                        // The embedded platform's public development key is expected here.
                        "--logging.level.fr.referralhub.identity.PersonPseudonymizer=ERROR");
    }

    private static void createBaselineTopics(String bootstrap, SchemaRegistryProperties registry, int partitions)
            throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(Stream.concat(Stream.of(PARTNER_EVENTS, CANONICAL, REFERRALS, DECISIONS,
                                    SAME_WORK_REFERRALS, SAME_WORK_DECISIONS, HTTP_BASELINE_REFERRALS),
                                    SAME_WORK_COPIES.stream())
                            .map(name -> new NewTopic(name, partitions, (short) 1)).toList())
                    .all().get(30, TimeUnit.SECONDS);
        }
        SchemaRegistryClient client = registry.client();
        client.register(SubjectNaming.valueSubject(CANONICAL), ReferralEvent.getClassSchema());
        client.register(SubjectNaming.valueSubject(HTTP_BASELINE_REFERRALS), ReferralEvent.getClassSchema());
        for (String decisions : Stream.concat(Stream.of(DECISIONS, SAME_WORK_DECISIONS), SAME_WORK_COPIES.stream())
                .toList()) {
            client.register(SubjectNaming.valueSubject(decisions), EligibilityDecision.getClassSchema());
        }
    }

    /**
     * Records the referral state's producers have sent (its stream threads' transactional producers), from the
     * producer metrics every Kafka client registers in JMX.
     */
    private static long recordsSent() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long sent = 0;
        for (ObjectName producer : server.queryNames(new ObjectName("kafka.producer:type=producer-metrics,*"), null)) {
            if (producer.getKeyProperty("client-id").contains("referral-hub-state-StreamThread")) {
                sent += ((Number) server.getAttribute(producer, "record-send-total")).longValue();
            }
        }
        return sent;
    }

    private static String partnerEventId(Object output) {
        return output instanceof ReferralEvent event ? event.getSource().getPartnerEventId() : null;
    }

    private static String decidedEventId(Object output) {
        return output instanceof EligibilityDecision decision ? decision.getReferralEventId() : null;
    }

    private static List<byte[]> bodies(BenchmarkData data, String idPrefix, int count) {
        List<byte[]> bodies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            bodies.add(data.partnerJson(idPrefix + i));
        }
        return bodies;
    }

    private int warmup(int count) {
        return Math.max(1, count * warmupPercent / 100);
    }

    private StageResult result(String stage) {
        return results.stream().filter(r -> r.stage().equals(stage)).findFirst()
                .orElseThrow(() -> new IllegalStateException("No result for " + stage));
    }

    private void printTable() {
        System.out.println();
        System.out.println(StageResult.HEADER);
        results.forEach(r -> System.out.println(r.row()));
        if (results.stream().anyMatch(StageResult::saturated)) {
            System.out.println("saturated = the stage fell behind the offered rate: its latencies are mostly time queued.");
        }
        System.out.flush();
    }

    private static void progress(String message) {
        System.err.println("[benchmark] " + message);
    }

    private static void closeWithin(ConfigurableApplicationContext context, Duration limit) {
        Thread closing = new Thread(context::close, "benchmark-hub-close");
        closing.setDaemon(true);
        closing.start();
        try {
            closing.join(limit.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closing.isAlive()) {
            progress("the hub did not stop within " + limit.toSeconds() + " s; exiting anyway");
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            progress("could not delete " + dir + ": " + e);
        }
    }

    private static java.util.concurrent.ScheduledExecutorService daemonTimer(String name) {
        return java.util.concurrent.Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** System.exit, and a halt if a shutdown hook hangs. */
    private static void exit(int status) {
        System.out.flush();
        System.err.flush();
        daemonTimer("benchmark-halt").schedule(() -> Runtime.getRuntime().halt(status), 30, TimeUnit.SECONDS);
        System.exit(status);
    }
}
