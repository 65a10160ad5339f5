package fr.referralhub.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.testing.SharedKafka;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

class CachedHealthTest {

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void shouldCheckOnceForAProbeStormAndAgainOnlyOnceTheAnswerIsStale() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        ManualClock clock = new ManualClock();
        CachedHealth health = new CachedHealth(() -> {
            checks.incrementAndGet();
            return Health.up().build();
        }, Duration.ofSeconds(5), clock);

        ExecutorService probes = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Health>> storm = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                storm.add(health::get);
            }
            for (Future<Health> answer : probes.invokeAll(storm)) {
                assertThat(answer.get().getStatus()).isEqualTo(Status.UP);
            }
        } finally {
            probes.shutdownNow();
        }
        assertThat(checks).hasValue(1);

        clock.now = clock.now.plusSeconds(4);
        health.get();
        assertThat(checks).as("still fresh").hasValue(1);
        clock.now = clock.now.plusSeconds(1);
        health.get();
        assertThat(checks).as("stale after 5 s").hasValue(2);
    }

    @Test
    void shouldReportUnreachableDependenciesDownWithinTheTimeout() {
        HealthProperties properties = new HealthProperties(Duration.ZERO, Duration.ofSeconds(1));
        String closed = "127.0.0.1:" + SharedKafka.freePort();

        long start = System.nanoTime();
        KafkaClusterHealthIndicator kafka = new KafkaClusterHealthIndicator(KafkaConnection.plaintext(closed), properties,
                Clock.systemUTC());
        try {
            Health health = kafka.health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("bootstrapServers", closed).containsKey("error");
        } finally {
            kafka.destroy();
        }
        Health registry = new SchemaRegistryHealthIndicator("http://" + closed, null, properties,
                Clock.systemUTC()).health();
        assertThat(registry.getStatus()).isEqualTo(Status.DOWN);
        assertThat(registry.getDetails()).containsEntry("url", "http://" + closed).containsKey("error");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("two checks of 1 s at most, plus set-up")
                .isLessThan(Duration.ofSeconds(6));
    }
}
