package fr.referralhub.health;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import fr.referralhub.kafkaclient.KafkaConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * {@code kafka} in /actuator/health/readiness: the cluster answers a describeCluster within the timeout and has at
 * least one broker. One admin client for the life of the hub (connecting is the expensive part).
 */
final class KafkaClusterHealthIndicator implements HealthIndicator, DisposableBean {

    private final KafkaConnection kafka;
    private final HealthProperties properties;
    private final CachedHealth cached;
    private Admin admin;

    KafkaClusterHealthIndicator(KafkaConnection kafka, HealthProperties properties, Clock clock) {
        this.kafka = kafka;
        this.properties = properties;
        this.cached = new CachedHealth(this::check, properties.cacheFor(), clock);
    }

    @Override
    public Health health() {
        return cached.get();
    }

    private Health check() {
        long timeoutMs = properties.timeout().toMillis();
        try {
            DescribeClusterResult cluster = admin().describeCluster(
                    new DescribeClusterOptions().timeoutMs((int) timeoutMs));
            int brokers = cluster.nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
            String clusterId = cluster.clusterId().get(timeoutMs, TimeUnit.MILLISECONDS);
            Health.Builder health = brokers > 0 ? Health.up() : Health.down();
            return health.withDetail("bootstrapServers", kafka.bootstrapServers())
                    .withDetail("clusterId", String.valueOf(clusterId))
                    .withDetail("brokers", brokers).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down("interrupted");
        } catch (TimeoutException e) {
            return down("no answer within " + properties.timeout());
        } catch (ExecutionException e) {
            return down(e.getCause() == null ? e.toString() : e.getCause().getClass().getSimpleName() + ": "
                    + e.getCause().getMessage());
        } catch (RuntimeException e) {
            return down(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Health down(String error) {
        return Health.down().withDetail("bootstrapServers", kafka.bootstrapServers()).withDetail("error", error)
                .build();
    }

    private synchronized Admin admin() {
        if (admin == null) {
            int timeoutMs = (int) properties.timeout().toMillis();
            admin = Admin.create(kafka.clientConfig(Map.of(
                    AdminClientConfig.CLIENT_ID_CONFIG, "referral-hub-health",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs,
                    // A broker that is down is retried now and then, not in a tight loop.
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 10_000)));
        }
        return admin;
    }

    @Override
    public synchronized void destroy() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }
}
