package fr.referralhub.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The hub's HTTP intake beside its baseline ({@link HttpBaseline}), in the same run, under the same loads: closed
 * loops at each number of connections (throughput), then an open loop at a fixed rate (latency), the hub first and
 * the baseline right after at each load, so both meet the same machine. Then the figures issue 14 sets as targets.
 *
 * <p>The hub is measured twice: with its usual answer, which waits for the referral state's transaction, and answered
 * on receipt ({@code Prefer: respond-async}), which waits for the broker's acknowledgement only, as the baseline does.
 * After each run answered on receipt, the referral state is left to catch up (its lag back to 0) before the next run,
 * so no run pays for the one before; how long that took is printed.
 */
final class HttpComparison {

    static final String HUB = "hub http intake";
    static final String HUB_ON_RECEIPT = "hub http on receipt";
    static final String BASELINE = "baseline http";

    /** Issue 14: the hub reaches this share of the baseline's req/s at the largest number of connections. */
    private static final double TARGET_RATIO = 0.8;
    /** Issue 14: req/s the hub sustains on 2 cores. */
    private static final double TARGET_PER_SECOND = 3_000;
    /** Issue 14: the hub's p99 at the fixed rate, in ms. */
    private static final double TARGET_P99_MS = 50;

    private final HttpLoad hub;
    private final HttpLoad hubOnReceipt;
    /** Waits until the referral state has decided everything submitted; returns how long that took. */
    private final Supplier<Duration> referralStateCatchUp;
    private final HttpLoad baseline;
    private final int[] connections;
    private final int rate;
    /** Unique partner events: an id prefix and a count to their bodies. */
    private final BiFunction<String, Integer, List<byte[]>> bodies;
    private final Consumer<String> progress;
    private final List<StageResult> results = new ArrayList<>();
    private final List<String> catchUps = new ArrayList<>();
    private final CpuShares cpu = new CpuShares();
    private final List<String> cpuLines = new ArrayList<>();

    HttpComparison(HttpLoad hub, HttpLoad hubOnReceipt, Supplier<Duration> referralStateCatchUp, HttpLoad baseline,
                   int[] connections, int rate, BiFunction<String, Integer, List<byte[]>> bodies,
                   Consumer<String> progress) {
        this.hub = hub;
        this.hubOnReceipt = hubOnReceipt;
        this.referralStateCatchUp = referralStateCatchUp;
        this.baseline = baseline;
        this.connections = connections;
        this.rate = rate;
        this.bodies = bodies;
        this.progress = progress;
    }

    /** Requests to both, at the first number of connections, not recorded: the JIT compiles both paths first. */
    void warmUp(int requests) {
        int warmConnections = connections[0];
        progress.accept(HUB + ": warm-up, " + requests + " requests over " + warmConnections + " connections");
        hub.closedLoop(HUB + " warm-up", bodies.apply("HUB-WARM-", requests), warmConnections);
        progress.accept(HUB_ON_RECEIPT + ": warm-up, " + requests + " requests over " + warmConnections + " connections");
        hubOnReceipt.closedLoop(HUB_ON_RECEIPT + " warm-up", bodies.apply("HUB-ASYNC-WARM-", requests), warmConnections);
        catchUp(HUB_ON_RECEIPT + " warm-up");
        progress.accept(BASELINE + ": warm-up, " + requests + " requests over " + warmConnections + " connections");
        baseline.closedLoop(BASELINE + " warm-up", bodies.apply("BASE-WARM-", requests), warmConnections);
    }

    /** Each closed loop, then the open loop (over the largest number of connections), hub then baseline. */
    List<StageResult> measure(int requests) {
        for (int count : connections) {
            CpuShares.Snapshot start = cpu.snapshot();
            results.add(closed(hub, HUB, "HUB-C" + count + "-", requests, count));
            start = cpuSpent(HUB + connectionsLabel(count), start, requests);
            results.add(closed(hubOnReceipt, HUB_ON_RECEIPT, "HUB-ASYNC-C" + count + "-", requests, count));
            // The referral state's work on these requests is part of their cost, even when done after the answer.
            catchUp(HUB_ON_RECEIPT + connectionsLabel(count));
            start = cpuSpent(HUB_ON_RECEIPT + connectionsLabel(count) + " and the referral state's catch-up", start,
                    requests);
            results.add(closed(baseline, BASELINE, "BASE-C" + count + "-", requests, count));
            cpuSpent(BASELINE + connectionsLabel(count), start, requests);
        }
        results.add(open(hub, HUB, "HUB-R-", requests));
        results.add(open(hubOnReceipt, HUB_ON_RECEIPT, "HUB-ASYNC-R-", requests));
        catchUp(HUB_ON_RECEIPT + rateLabel());
        results.add(open(baseline, BASELINE, "BASE-R-", requests));
        return results;
    }

    /** Records the CPU spent per request since {@code start}, by group; returns a new start. */
    private CpuShares.Snapshot cpuSpent(String stage, CpuShares.Snapshot start, int requests) {
        CpuShares.Snapshot end = cpu.snapshot();
        cpuLines.add(CpuShares.describe(stage, CpuShares.perRequest(start, end, requests)));
        return end;
    }

    private void catchUp(String after) {
        Duration took = referralStateCatchUp.get();
        String line = String.format(Locale.ROOT, "%s: the referral state caught up %.1f s after the last answer",
                after, took.toMillis() / 1000.0);
        catchUps.add(line);
        progress.accept(line);
    }

    private StageResult closed(HttpLoad load, String name, String prefix, int requests, int count) {
        String label = name + connectionsLabel(count);
        progress.accept(label + ": " + requests + " requests");
        return load.closedLoop(label, bodies.apply(prefix, requests), count);
    }

    private StageResult open(HttpLoad load, String name, String prefix, int requests) {
        String label = name + rateLabel();
        int count = connections[connections.length - 1];
        progress.accept(label + ": " + requests + " requests, due at " + rate + "/s, over up to " + count
                + " connections");
        StageResult result = load.openLoop(label, bodies.apply(prefix, requests), rate, count);
        if (load.lateSends() > 0) {
            progress.accept(label + ": " + load.lateSends() + " requests sent more than 1 ms after they were due"
                    + " (every connection busy); their latency counts from when they were due");
        }
        return result;
    }

    /** The comparison and the targets, after the table, for the usual answer and for the answer on receipt. */
    void printSummary() {
        summarise(HUB);
        summarise(HUB_ON_RECEIPT);
        catchUps.forEach(System.out::println);
        cpuLines.forEach(System.out::println);
    }

    private void summarise(String hubName) {
        int most = connections[connections.length - 1];
        StageResult hubAtMost = result(hubName + connectionsLabel(most));
        StageResult baselineAtMost = result(BASELINE + connectionsLabel(most));
        double ratio = hubAtMost.perSecond() / baselineAtMost.perSecond();
        System.out.printf(Locale.ROOT, "%s / baseline http at %d connections = %.2f (%.0f vs %.0f req/s;"
                        + " target %.2f %s)%n", hubName, most, ratio, hubAtMost.perSecond(), baselineAtMost.perSecond(),
                TARGET_RATIO, met(ratio >= TARGET_RATIO));
        StageResult best = results.stream().filter(r -> r.stage().startsWith(hubName + " (") && r.offeredRate() == 0)
                .max((a, b) -> Double.compare(a.perSecond(), b.perSecond())).orElseThrow();
        System.out.printf(Locale.ROOT, "%s throughput: %.0f req/s (%s; target %.0f %s)%n", hubName,
                best.perSecond(), best.stage(), TARGET_PER_SECOND, met(best.perSecond() >= TARGET_PER_SECOND));
        StageResult hubAtRate = result(hubName + rateLabel());
        StageResult baselineAtRate = result(BASELINE + rateLabel());
        double p99 = hubAtRate.percentile(99) / 1e6;
        System.out.printf(Locale.ROOT, "%s p99 at %d/s: %.2f ms%s (baseline http %.2f ms; target %.0f ms"
                        + " %s)%n", hubName, rate, p99, hubAtRate.saturated() ? ", saturated" : "",
                baselineAtRate.percentile(99) / 1e6, TARGET_P99_MS,
                met(p99 <= TARGET_P99_MS && !hubAtRate.saturated()));
    }

    private static String met(boolean met) {
        return met ? "met" : "NOT met";
    }

    private static String connectionsLabel(int count) {
        return " (" + count + " connections)";
    }

    private String rateLabel() {
        return " (at " + rate + "/s)";
    }

    private StageResult result(String stage) {
        return results.stream().filter(r -> r.stage().equals(stage)).findFirst()
                .orElseThrow(() -> new IllegalStateException("No result for " + stage));
    }
}
