package fr.referralhub.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where the CPU went during a run, per request, by who spent it: the hub's HTTP threads, the referral state, the
 * broker, the baseline. Requests per second alone cannot say why the hub is slower than its baseline when everything
 * shares one JVM on 2 cores; CPU time per request can, and it varies far less from run to run than throughput does.
 *
 * <p>Per-thread CPU time comes from the JVM ({@link ThreadMXBean}). The load generator's threads (one per connection)
 * end with their run, so they add up their own CPU time as they end ({@link HttpLoad#LOAD_CPU_NANOS}). What the
 * process spent beyond all those is the JVM's own work: garbage collection and the JIT compiler.
 */
final class CpuShares {

    /** Thread name patterns to groups, first match wins; the names are those the hub, Kafka and the JDK give. */
    private static final Map<String, Pattern> GROUPS = groups();

    private static Map<String, Pattern> groups() {
        Map<String, Pattern> groups = new LinkedHashMap<>();
        groups.put("hub http (Tomcat, routes)", Pattern.compile("^http-nio-.*"));
        groups.put("referral state (Kafka Streams)", Pattern.compile(".*referral-hub-state.*"));
        groups.put("baseline http", Pattern.compile("^(baseline-http-|HTTP-Dispatcher).*|.*benchmark-http-baseline.*"));
        groups.put("hub's other Kafka clients", Pattern.compile("^kafka-producer-network-thread.*|.*KafkaConsumer.*"));
        groups.put("broker", Pattern.compile("^(data-plane-kafka|kafka-|TxnMarker|AddPartitionsToTxn|group-coordinator"
                + "|ExpirationReaper|quorum-controller|raft|share-coordinator|transaction-log|LogDirFailure"
                + "|ReplicaFetcher|executor-).*"));
        return groups;
    }

    private static final String OTHER = "other threads";
    private static final String LOAD = "load generator";
    /** Garbage collection and the JIT compiler: the JVM's own threads, which ThreadMXBean does not list. */
    private static final String JVM = "JVM (GC, JIT)";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** CPU nanoseconds by group at one moment, and the process's total. */
    record Snapshot(Map<Long, String> groupOfThread, Map<Long, Long> cpuOfThread, long loadCpu, long processCpu) {
    }

    Snapshot snapshot() {
        Map<Long, String> group = new LinkedHashMap<>();
        Map<Long, Long> cpu = new LinkedHashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos >= 0) {
                group.put(info.getThreadId(), groupOf(info.getThreadName()));
                cpu.put(info.getThreadId(), nanos);
            }
        }
        return new Snapshot(group, cpu, HttpLoad.LOAD_CPU_NANOS.sum(), os.getProcessCpuTime());
    }

    /**
     * Microseconds of CPU per request by group between two snapshots: threads alive at the end, less what they had
     * spent at the start (0 for threads started since).
     */
    static Map<String, Double> perRequest(Snapshot start, Snapshot end, int requests) {
        Map<String, Long> nanos = new LinkedHashMap<>();
        GROUPS.keySet().forEach(name -> nanos.put(name, 0L));
        nanos.put(OTHER, 0L);
        long live = 0;
        for (Map.Entry<Long, Long> thread : end.cpuOfThread().entrySet()) {
            long spent = thread.getValue() - start.cpuOfThread().getOrDefault(thread.getKey(), 0L);
            nanos.merge(end.groupOfThread().get(thread.getKey()), spent, Long::sum);
            live += spent;
        }
        long load = end.loadCpu() - start.loadCpu();
        nanos.put(LOAD, load);
        nanos.put(JVM, Math.max(0, end.processCpu() - start.processCpu() - live - load));
        Map<String, Double> micros = new LinkedHashMap<>();
        nanos.forEach((name, spent) -> micros.put(name, spent / 1000.0 / requests));
        return micros;
    }

    /** One line: the total, then each group that spent at least 1 µs per request. */
    static String describe(String stage, Map<String, Double> micros) {
        double total = micros.values().stream().mapToDouble(Double::doubleValue).sum();
        return String.format(Locale.ROOT, "%s: %.0f µs of CPU per request: %s", stage, total,
                micros.entrySet().stream().filter(e -> e.getValue() >= 1)
                        .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue()))
                        .collect(Collectors.joining(", ")));
    }

    private static String groupOf(String threadName) {
        return GROUPS.entrySet().stream().filter(e -> e.getValue().matcher(threadName).matches())
                .map(Map.Entry::getKey).findFirst().orElse(OTHER);
    }
}
