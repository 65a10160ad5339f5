package fr.referralhub.operations;

import java.util.List;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * Health component {@code consumerProgress}, in readiness (application.yaml): DOWN while a partition of a hub consumer
 * group is stuck (records waiting, committed offset not moving, group with members) for longer than
 * {@code hub.operations.consumer-lag.stuck-after}, with the partitions in the details. Such a partition means
 * referrals that do not arrive: the instance says so where the platform looks first, not only on a dashboard. It
 * reads the figures {@link ConsumerLagMetrics} last took from the broker, so a probe never waits on Kafka.
 */
@Component("consumerProgressHealthIndicator")
class ConsumerProgressHealthIndicator extends AbstractHealthIndicator {

    private final ConsumerLagMetrics lag;

    ConsumerProgressHealthIndicator(ConsumerLagMetrics lag) {
        super("Consumer progress check failed");
        this.lag = lag;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        List<ConsumerProgress.Stuck> stuck = lag.stuck();
        builder.withDetail("stuckAfter", lag.stuckAfter().toString());
        if (stuck.isEmpty()) {
            builder.up();
        } else {
            builder.down().withDetail("stuck", stuck);
        }
    }
}
