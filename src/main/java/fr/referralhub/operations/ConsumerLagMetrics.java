package fr.referralhub.operations;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.topics.TopicCatalog;
import fr.referralhub.topics.TopicProvisioner;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * {@code hub.consumer.lag{group,topic}}: how many records the hub's consumer groups still have to read, per topic.
 *
 * <p>Lag is what tells an operator that a route is stuck or too slow (a stopped route keeps its group's committed
 * offsets, so its lag grows). It is read from the broker (committed offsets against end offsets), not from the
 * consumers' own metrics, so it also shows groups whose route is stopped or whose instance died. The broker is
 * asked every {@code hub.operations.consumer-lag.refresh} on a background thread; a Prometheus scrape only reads
 * the last figures and never waits on Kafka.
 *
 * <p>{@code hub.consumer.stuck.seconds{group,topic,partition}}: how long a partition has had records waiting while
 * its group, with members, did not move its committed offset ({@link ConsumerProgress}). Beyond
 * {@code hub.operations.consumer-lag.stuck-after} the partition is stuck: the health component
 * {@code consumerProgress} (in readiness) says DOWN with the partitions, and an alert fires. Parking
 * ({@code fr.referralhub.kafka.RecordParking}) means no record should ever do that; an outage or a bug still can.
 *
 * <p>Both have their series from the first reading after a group's members are given their partitions, before its
 * first commit: the topics its members were assigned count too (a group with no commit yet has everything on them
 * still to read, and is judged stuck only from its first commit, having no offset that could stand still).
 */
@Component
public class ConsumerLagMetrics implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConsumerLagMetrics.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    /** Offsets that may wait for good on a topic written in transactions without its consumer being stuck. */
    private static final long TRANSACTION_SLACK = 20;

    private final KafkaConnection kafka;
    private final String groupPrefix;
    private final Duration refresh;
    private final MeterRegistry meters;
    /** Topics written in Kafka transactions (by the referral state): see {@link #lagOf}. */
    private final Set<String> transactionalTopics;
    private final Map<GroupTopic, Long> lag = new ConcurrentHashMap<>();
    private final ConsumerProgress progress = new ConsumerProgress();
    private final Duration stuckAfter;
    private final Clock clock = Clock.systemUTC();
    /** Hub groups with members at the last reading (an empty group is stopped, not stuck), and their members' topics. */
    private volatile Map<String, Set<String>> activeGroups = Map.of();
    private final Set<ConsumerProgress.Partition> stuckGauges = ConcurrentHashMap.newKeySet();
    private volatile ScheduledExecutorService scheduler;
    private volatile Admin admin;
    private volatile boolean lastRefreshFailed;

    record GroupTopic(String group, String topic) {
    }

    public ConsumerLagMetrics(KafkaConnection kafka,
                              @Value("${hub.operations.consumer-lag.group-prefix:referral-hub}") String groupPrefix,
                              @Value("${hub.operations.consumer-lag.refresh:PT15S}") Duration refresh,
                              @Value("${hub.operations.consumer-lag.stuck-after:PT5M}") Duration stuckAfter,
                              MeterRegistry meters, TopicCatalog topics) {
        this.stuckAfter = stuckAfter;
        this.transactionalTopics = topics.writtenInTransactions();
        this.kafka = kafka;
        this.groupPrefix = groupPrefix;
        this.refresh = refresh;
        this.meters = meters;
    }

    /** Reads committed and end offsets of every hub consumer group now; the gauges show the result. */
    public void refresh() {
        try {
            Map<GroupTopic, Long> current = new HashMap<>();
            List<String> groups = admin.listConsumerGroups().all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .stream().map(ConsumerGroupListing::groupId).filter(id -> id.startsWith(groupPrefix)).toList();
            activeGroups = withMembers(groups);
            for (String group : groups) {
                current.putAll(lagOf(group));
            }
            current.forEach((key, value) -> {
                if (lag.put(key, value) == null) {
                    Gauge.builder("hub.consumer.lag", lag, figures -> figures.getOrDefault(key, 0L))
                            .description("Records the consumer group still has to read on the topic")
                            .tags(Tags.of("group", key.group(), "topic", key.topic()))
                            .register(meters);
                }
            });
            if (lastRefreshFailed) {
                log.info("Consumer lag readable again");
            }
            lastRefreshFailed = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The gauges keep their last figures; the readiness health check is the alarm for an unreachable broker.
            if (!lastRefreshFailed) {
                log.warn("Consumer lag could not be read from Kafka: {}", e.toString());
            }
            lastRefreshFailed = true;
        }
    }

    private Map<GroupTopic, Long> lagOf(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        committed.values().removeIf(java.util.Objects::isNull);
        // Every partition of the topics the group reads, not only those it committed on: a partition it never
        // committed on (a route stopped before its first record there) has all its records still to read.
        Set<String> topics = committed.keySet().stream().map(TopicPartition::topic).collect(Collectors.toSet());
        topics.addAll(activeGroups.getOrDefault(group, Set.of()));
        if (topics.isEmpty()) {
            return Map.of();
        }
        Set<TopicPartition> partitions = new HashSet<>();
        admin.describeTopics(topics).allTopicNames().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((topic, description) -> description.partitions()
                        .forEach(info -> partitions.add(new TopicPartition(topic, info.partition()))));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = offsets(
                partitions.stream().filter(partition -> !committed.containsKey(partition)).collect(Collectors.toSet()),
                OffsetSpec.earliest());
        Map<GroupTopic, Long> perTopic = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long end = ends.get(partition).offset();
            long read = committed.containsKey(partition) ? committed.get(partition).offset()
                    : starts.get(partition).offset();
            // On a topic written in transactions each commit leaves a marker after its records, which takes an offset
            // but is never delivered, so a consumer that read everything commits one short of the end: a partition
            // whose only unread offset is that marker has nothing left to read. (A lower bound: several pending
            // transactions count one marker each as a record.)
            long markers = transactionalTopics.contains(partition.topic()) && end > read ? 1 : 0;
            long waiting = Math.max(0, end - read - markers);
            perTopic.merge(new GroupTopic(group, partition.topic()), waiting, Long::sum);
            ConsumerProgress.Partition key = new ConsumerProgress.Partition(group, partition.topic(),
                    partition.partition());
            // An aborted transaction (the referral state's, after a crash or a rebalance) leaves records and markers no
            // read_committed consumer is ever given, after the last offset it commits: on such topics a few waiting
            // offsets are no sign of a stuck consumer. (A poison record there would be one of the hub's own, which its
            // routes dead-letter; the intake topics, written by partners, are held to "any record waiting".)
            long stuckIfWaiting = transactionalTopics.contains(partition.topic())
                    ? Math.max(0, waiting - TRANSACTION_SLACK) : waiting;
            // A group that never committed has no offset that could stand still: judged from its first commit.
            if (!committed.isEmpty()) {
                progress.observe(key, read, stuckIfWaiting, activeGroups.containsKey(group), clock.instant());
            }
            if (stuckGauges.add(key)) {
                Gauge.builder("hub.consumer.stuck.seconds", progress, figures -> figures.stuckSeconds(key))
                        .description("Seconds the partition has had records waiting while its group, with members, "
                                + "did not move its committed offset")
                        .tags(Tags.of("group", group, "topic", partition.topic(),
                                "partition", String.valueOf(partition.partition())))
                        .register(meters);
            }
        }
        return perTopic;
    }

    /** The groups with members, each with the topics its members were assigned. */
    private Map<String, Set<String>> withMembers(Collection<String> groups) throws Exception {
        if (groups.isEmpty()) {
            return Map.of();
        }
        return admin.describeConsumerGroups(groups).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .values().stream().filter(description -> !description.members().isEmpty())
                .collect(Collectors.toMap(ConsumerGroupDescription::groupId, description -> description.members()
                        .stream().flatMap(member -> member.assignment().topicPartitions().stream())
                        .map(TopicPartition::topic).collect(Collectors.toSet())));
    }

    /** Partitions stuck longer than {@code hub.operations.consumer-lag.stuck-after}, at the last reading. */
    List<ConsumerProgress.Stuck> stuck() {
        return progress.stuckLongerThan(stuckAfter);
    }

    Duration stuckAfter() {
        return stuckAfter;
    }

    private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets(Set<TopicPartition> partitions,
                                                                               OffsetSpec spec) throws Exception {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), partition -> spec)))
                .all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Last figure read for a group and topic, or -1 if it was never seen (tests, health details). */
    public long lag(String group, String topic) {
        return lag.getOrDefault(new GroupTopic(group, topic), -1L);
    }

    @Override
    public void start() {
        admin = Admin.create(kafka.clientConfig(Map.of(
                AdminClientConfig.CLIENT_ID_CONFIG, "referral-hub-consumer-lag",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis())));
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "consumer-lag-metrics");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::refresh, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null && !scheduler.isShutdown();
    }

    /** After the topics exist. */
    @Override
    public int getPhase() {
        return TopicProvisioner.PHASE + 1;
    }
}
