package fr.referralhub.operations;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long each partition of each hub consumer group has been stuck: records wait after its committed offset, its
 * group has members, and that offset has not moved. Lag alone does not say it (a busy partition always lags a little;
 * a poison record held the lag at 2 for good), nor does an idle group (a route an operator stopped shows as lag, not
 * as stuck). Fed by {@link ConsumerLagMetrics} at each reading of the broker; a scrape or a probe only reads.
 *
 * <p>In the heap on purpose, unlike the referral state: it is not read from a topic and does not grow with history,
 * only with the (group, topic, partition) triples, and it is an observation of the broker's committed offsets, which
 * every instance reads alike and so judges alike. A restarted instance starts its clocks again: a partition stuck
 * before the restart is reported one bound after it.
 */
final class ConsumerProgress {

    record Partition(String group, String topic, int partition) {
    }

    /** A partition stuck for {@code seconds}, for the health details. */
    record Stuck(String group, String topic, int partition, long seconds) {
    }

    /** The committed offset last seen, and since when the partition has made no progress with records waiting. */
    private record Seen(long committed, Instant since) {
    }

    private final Map<Partition, Seen> seen = new ConcurrentHashMap<>();
    private final Map<Partition, Long> stuckSeconds = new ConcurrentHashMap<>();

    /**
     * One reading of one partition.
     *
     * @param committed the group's committed offset (or where it would start reading)
     * @param waiting   records after it (transaction markers left out)
     * @param active    whether the group has members at all
     * @return whether the partition was seen for the first time (the caller registers its gauge)
     */
    boolean observe(Partition partition, long committed, long waiting, boolean active, Instant now) {
        Seen before = seen.get(partition);
        if (waiting <= 0 || !active || before == null || before.committed() != committed) {
            // Progress, nothing to do, or nobody to do it: the clock starts again from here.
            seen.put(partition, new Seen(committed, now));
            stuckSeconds.put(partition, 0L);
        } else {
            stuckSeconds.put(partition, Duration.between(before.since(), now).toSeconds());
        }
        return before == null;
    }

    /** Seconds the partition has been stuck at the last reading; 0 when it is not. */
    long stuckSeconds(Partition partition) {
        return stuckSeconds.getOrDefault(partition, 0L);
    }

    /** Partitions stuck for longer than {@code bound}, longest first. */
    List<Stuck> stuckLongerThan(Duration bound) {
        return stuckSeconds.entrySet().stream().filter(e -> e.getValue() > bound.toSeconds())
                .map(e -> new Stuck(e.getKey().group(), e.getKey().topic(), e.getKey().partition(), e.getValue()))
                .sorted(Comparator.comparingLong(Stuck::seconds).reversed()).toList();
    }
}
