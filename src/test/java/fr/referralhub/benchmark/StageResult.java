package fr.referralhub.benchmark;

import java.util.Arrays;
import java.util.Locale;

/**
 * One measured run: how many records, over how long, and (for latency runs) every record's latency.
 *
 * @param latencyNanos one latency per record, or null for a throughput run (where latency is mostly time spent
 *                     queued behind the backlog the load generator built up, so it is not printed)
 * @param offeredRate  records/s the load was sent at, 0 when as fast as possible (or closed-loop HTTP)
 */
record StageResult(String stage, int records, long elapsedNanos, long[] latencyNanos, int offeredRate) {

    static final String HEADER = String.format(Locale.ROOT, "%-44s %8s %8s %9s %7s %7s %7s %8s",
            "stage", "records", "seconds", "rec/s", "p50 ms", "p95 ms", "p99 ms", "max ms");

    double seconds() {
        return elapsedNanos / 1e9;
    }

    double perSecond() {
        return elapsedNanos <= 0 ? 0 : records / seconds();
    }

    /** Nearest-rank percentile, in nanoseconds. */
    long percentile(double p) {
        long[] sorted = sorted();
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** A fixed-rate run the stage could not keep up with: its latencies are mostly time queued. */
    boolean saturated() {
        return offeredRate > 0 && perSecond() < 0.95 * offeredRate;
    }

    String row() {
        if (latencyNanos == null || latencyNanos.length == 0) {
            return String.format(Locale.ROOT, "%-44s %8d %8.2f %9.0f %7s %7s %7s %8s",
                    stage, records, seconds(), perSecond(), "-", "-", "-", "-");
        }
        long[] sorted = sorted();
        return String.format(Locale.ROOT, "%-44s %8d %8.2f %9.0f %7.2f %7.2f %7.2f %8.2f%s",
                stage, records, seconds(), perSecond(), ms(percentile(50)), ms(percentile(95)), ms(percentile(99)),
                ms(sorted[sorted.length - 1]), saturated() ? "  saturated" : "");
    }

    private long[] sorted() {
        long[] copy = latencyNanos.clone();
        Arrays.sort(copy);
        return copy;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
