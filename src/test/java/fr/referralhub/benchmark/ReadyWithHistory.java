package fr.referralhub.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.state.ReferralState;
import fr.referralhub.testing.HubProcess;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * How soon a hub instance is ready after its JVM starts, with the history {@link StateRestore} left on the broker, and
 * how much heap it uses under load, measured on a separate JVM with the heap a deployment would give it
 * ({@code benchmark.instanceJvmArgs}, 512 MB by default). It joins the benchmark's broker and registry as a second hub
 * instance would; the benchmark's own referral state is stopped first, so the new instance owns every partition.
 * Twice:
 * <ol>
 *   <li>a new instance (empty state directory): it restores every store from its changelog before it is ready;</li>
 *   <li>the same instance restarted (SIGTERM, then a new JVM on the same directory): it restores only what it lacks.</li>
 * </ol>
 * Ready means its readiness probe answers UP (broker, registry, referral state running, routes started). Between the
 * two, HTTP requests are sent to it; then its resident memory (RocksDB's native memory included) is read from /proc,
 * and its heap after a full GC ({@code jcmd GC.heap_info}).
 */
final class ReadyWithHistory {

    private static final Duration STARTUP_LIMIT = Duration.ofMinutes(5);
    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

    private ReadyWithHistory() {
    }

    /**
     * @param load the HTTP load sent to the new instance once it is ready, given its port
     */
    static void measure(ConfigurableApplicationContext hub, String bootstrap, SchemaRegistryProperties registry,
                        int history, IntFunction<StageResult> load) throws Exception {
        hub.getBean(ReferralState.class).stop();
        List<String> jvm = List.of(System.getProperty("benchmark.instanceJvmArgs", "-Xmx512m").split(" "));
        Path dir = Files.createTempDirectory("referral-hub-instance");
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("hub.kafka.bootstrap-servers", bootstrap);
        properties.put("hub.schema-registry.url", registry.url());
        if (registry.basicAuthUserInfo() != null && !registry.basicAuthUserInfo().isBlank()) {
            properties.put("hub.schema-registry.basic-auth-user-info", registry.basicAuthUserInfo());
        }
        properties.put("hub.embedded.data-dir", dir.toString());
        properties.put("hub.intake.file-drops.root", dir.resolve("drops").toString());
        properties.put("logging.level.root", "WARN");
        // All the load comes from one address here; the per-client limit is for partners, not for a load generator.
        properties.put("hub.http.max-requests-per-client", "100000");
        // As a StatefulSet would name it: the restart below takes its partitions back without a rebalance.
        properties.put("hub.referral-state.instance-id", "benchmark-instance");

        long started = System.nanoTime();
        HubProcess instance = HubProcess.start(properties, dir.resolve("first.log"), STARTUP_LIMIT, jvm);
        double newSeconds = (System.nanoTime() - started) / 1e9;
        StageResult loaded;
        long heapKb;
        long residentKb;
        try {
            loaded = load.apply(instance.port());
            residentKb = residentKb(instance.pid());
            heapKb = heapUsedAfterGc(instance.pid());
        } finally {
            instance.stop(Duration.ofSeconds(60));
        }

        started = System.nanoTime();
        HubProcess restarted = HubProcess.start(properties, dir.resolve("second.log"), STARTUP_LIMIT, jvm);
        double restartSeconds = (System.nanoTime() - started) / 1e9;
        restarted.stop(Duration.ofSeconds(60));

        System.out.printf(Locale.ROOT, "hub instance %s with %d referrals of history on the broker, from JVM start to"
                        + " ready: new instance (restores its stores) %.1f s, restarted on its state directory %.1f s"
                        + " (target 15 s; both include waiting for the group to let go of the stopped member);"
                        + " after %d requests (%.0f req/s): resident memory %d MB, heap after a full GC %d MB%n",
                jvm, history, newSeconds, restartSeconds, loaded.records(), loaded.perSecond(), residentKb / 1024,
                heapKb / 1024);
    }

    /** Every generation's "used" summed: G1 prints one heap line, the serial and parallel collectors one per generation. */
    private static long heapUsedAfterGc(long pid) throws IOException, InterruptedException {
        run(pid, "GC.run");
        Matcher used = HEAP_USED.matcher(run(pid, "GC.heap_info"));
        long kb = 0;
        boolean found = false;
        while (used.find()) {
            kb += Long.parseLong(used.group(1));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("jcmd GC.heap_info: no heap figure");
        }
        return kb;
    }

    /** The process's resident memory (heap, RocksDB's native memory and caches, code...), from /proc; -1 elsewhere. */
    private static long residentKb(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                    .findFirst().orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }

    private static String run(long pid, String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), command).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor();
        return output;
    }
}
