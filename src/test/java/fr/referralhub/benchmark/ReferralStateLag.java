package fr.referralhub.benchmark;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waits until the referral state has taken in everything submitted: its group's committed offsets on the submission
 * topic reach the topic's end. Partners answered on receipt leave it work to do after their last answer; the
 * benchmark lets it finish before the next run, and prints how long that took.
 */
final class ReferralStateLag implements Supplier<Duration> {

    private static final Duration POLL = Duration.ofMillis(50);

    private final String bootstrap;
    private final String group;
    private final String submissions;
    private final Duration timeout;

    ReferralStateLag(String bootstrap, String group, String submissions, Duration timeout) {
        this.bootstrap = bootstrap;
        this.group = group;
        this.submissions = submissions;
        this.timeout = timeout;
    }

    @Override
    public Duration get() {
        long start = System.nanoTime();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            await("the referral state taking in every submission").atMost(timeout).pollInterval(POLL)
                    .until(() -> behind(admin) == 0);
            return Duration.ofNanos(System.nanoTime() - start);
        } catch (ConditionTimeoutException e) {
            throw new StageFailure("the referral state still had submissions to take in after " + timeout, e);
        }
    }

    private long behind(Admin admin) throws Exception {
        var partitions = admin.describeTopics(java.util.List.of(submissions)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(submissions).partitions().stream()
                .map(p -> new TopicPartition(submissions, p.partition())).toList();
        Map<TopicPartition, Long> ends = admin.listOffsets(partitions.stream()
                        .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                .all().get(30, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        long behind = 0;
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata at = committed.get(partition);
            behind += Math.max(0, ends.get(partition) - (at == null ? 0 : at.offset()));
        }
        return behind;
    }
}
