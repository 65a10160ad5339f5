package fr.referralhub.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** The breaker in front of intake's sends: its states on a clock the test moves, its waits on the real one. */
class BrokerBreakerTest {

    private static final Duration ACK_TIMEOUT = Duration.ofMillis(1500);
    private static final Duration FAIL_FAST_FOR = Duration.ofSeconds(5);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final BrokerBreaker breaker = new BrokerBreaker(new BrokerOutageProperties(ACK_TIMEOUT, FAIL_FAST_FOR),
            now::get);

    @Test
    void shouldLetEverySendThroughWhileTheBrokerAnswers() {
        assertThat(breaker.allowsSend()).isTrue();
        breaker.brokerAnswered();
        assertThat(breaker.allowsSend()).isTrue();
        assertThat(breaker.isOpen()).isFalse();
    }

    @Test
    void shouldFailFastAfterAnOutageThenLetOneTrialThrough() {
        breaker.brokerUnreachable();

        assertThat(breaker.allowsSend()).as("just after the outage").isFalse();
        advance(FAIL_FAST_FOR.minusMillis(1));
        assertThat(breaker.allowsSend()).as("until fail-fast-for has passed").isFalse();
        advance(Duration.ofMillis(1));
        assertThat(breaker.allowsSend()).as("the trial").isTrue();
        assertThat(breaker.allowsSend()).as("a second send while the trial is out").isFalse();

        breaker.brokerAnswered();

        assertThat(breaker.isOpen()).isFalse();
        assertThat(breaker.allowsSend()).isTrue();
        assertThat(breaker.allowsSend()).isTrue();
    }

    @Test
    void shouldFailFastAgainWhenTheTrialFails() {
        breaker.brokerUnreachable();
        advance(FAIL_FAST_FOR);
        assertThat(breaker.allowsSend()).isTrue();

        breaker.brokerUnreachable();

        assertThat(breaker.allowsSend()).isFalse();
        advance(FAIL_FAST_FOR);
        assertThat(breaker.allowsSend()).isTrue();
    }

    @Test
    void shouldGiveUpATrialWhoseOutcomeNeverComes() {
        breaker.brokerUnreachable();
        advance(FAIL_FAST_FOR);
        assertThat(breaker.allowsSend()).isTrue();

        advance(ACK_TIMEOUT);

        assertThat(breaker.allowsSend()).as("another trial once the first had its acknowledgement timeout").isTrue();
    }

    @Test
    void shouldTakeASendNobodyAcknowledgesForAnOutage() {
        BrokerBreaker realTime = new BrokerBreaker(new BrokerOutageProperties(Duration.ofMillis(200), FAIL_FAST_FOR));
        long start = System.nanoTime();

        assertThatThrownBy(() -> realTime.awaitAcknowledgement(new CompletableFuture<>(), Duration.ofSeconds(10)))
                .isInstanceOf(TimeoutException.class);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(realTime.isOpen()).isTrue();
        assertThat(realTime.allowsSend()).isFalse();
    }

    @Test
    void shouldKeepWaitingWhileTheBrokerAcknowledgesOtherSends() {
        BrokerBreaker realTime = new BrokerBreaker(new BrokerOutageProperties(Duration.ofMillis(200), FAIL_FAST_FOR));
        ScheduledExecutorService others = Executors.newSingleThreadScheduledExecutor();
        try {
            others.scheduleAtFixedRate(realTime::brokerAnswered, 0, 50, TimeUnit.MILLISECONDS);

            // Slow for this send, not down: the wait ends at the caller's own limit, without an outage.
            realTime.awaitAcknowledgement(new CompletableFuture<>(), Duration.ofMillis(800));

            assertThat(realTime.isOpen()).isFalse();
        } finally {
            others.shutdownNow();
        }
    }

    @Test
    void shouldReturnAtOnceForASendAcknowledgedOrFailed() {
        BrokerBreaker realTime = new BrokerBreaker(new BrokerOutageProperties(Duration.ofMillis(200), FAIL_FAST_FOR));

        realTime.awaitAcknowledgement(CompletableFuture.completedFuture(null), Duration.ofSeconds(10));
        realTime.awaitAcknowledgement(CompletableFuture.failedFuture(new IllegalStateException("refused")),
                Duration.ofSeconds(10));

        assertThat(realTime.isOpen()).isFalse();
    }

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }
}
