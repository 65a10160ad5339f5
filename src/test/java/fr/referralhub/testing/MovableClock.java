package fr.referralhub.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The hub's clock in tests of delays counted in days (expiry): the system time plus an offset the test moves forward,
 * so ten days pass in one call, without sleeping. A test imports {@link AsHubClock} to make it the hub's clock (test
 * classes with the same imports and properties share one hub, whose clock they all move).
 */
public final class MovableClock extends Clock {

    /** Makes a movable clock the hub's clock ({@code @Import(MovableClock.AsHubClock.class)}). */
    @TestConfiguration
    public static class AsHubClock {
        @Bean
        @Primary
        MovableClock movableClock() {
            return new MovableClock();
        }
    }

    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    /** Moves time forward (never back: the hub's delivery times only grow). */
    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("time only moves forward");
        }
        offset.accumulateAndGet(by, Duration::plus);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the hub's clock is UTC");
    }
}
