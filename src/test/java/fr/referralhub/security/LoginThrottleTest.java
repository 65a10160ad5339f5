package fr.referralhub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** The backoff of failed logins, per user name and per address, on a clock the test moves. */
class LoginThrottleTest {

    /** Stands still unless moved, so the waits compare exactly. */
    private static final class StoppedClock extends Clock {
        private Instant now = Instant.parse("2026-12-05T10:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final StoppedClock clock = new StoppedClock();
    private final LoginThrottle throttle = new LoginThrottle(new LoginThrottleProperties(3, 5, Duration.ofHours(1),
            Duration.ofSeconds(30), Duration.ofMinutes(2), 100), clock);

    @Test
    void shouldBlockAUserNameAfterTheLimitAndDoubleTheWaitAtEachFurtherFailure() {
        throttle.failed("alice", "10.0.0.1");
        throttle.failed("Alice", "10.0.0.2");
        assertThat(throttle.blockedFor("alice", "10.0.0.3")).isEmpty();
        throttle.failed("alice", "10.0.0.3");
        assertThat(throttle.blockedFor("ALICE", "10.0.0.9")).hasValue(Duration.ofSeconds(30));
        assertThat(throttle.blockedFor("bob", "10.0.0.9")).as("another user, another address").isEmpty();

        clock.advance(Duration.ofSeconds(31));
        assertThat(throttle.blockedFor("alice", "10.0.0.9")).isEmpty();
        throttle.failed("alice", "10.0.0.4");
        assertThat(throttle.blockedFor("alice", null)).hasValue(Duration.ofSeconds(60));
        clock.advance(Duration.ofSeconds(61));
        throttle.failed("alice", "10.0.0.5");
        throttle.failed("alice", "10.0.0.6");
        assertThat(throttle.blockedFor("alice", null)).as("at most longest-block").hasValue(Duration.ofMinutes(2));
    }

    @Test
    void shouldBlockAnAddressGuessingManyUserNames() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("user-" + i, "10.0.0.66");
        }
        assertThat(throttle.blockedFor("someone-else", "10.0.0.66")).hasValue(Duration.ofSeconds(30));
        assertThat(throttle.blockedFor(null, "10.0.0.66")).isPresent();
        assertThat(throttle.blockedFor("someone-else", "10.0.0.67")).isEmpty();
    }

    @Test
    void shouldForgetAUserNamesFailuresOnSuccessOrAfterTheWindow() {
        throttle.failed("carol", "10.0.0.1");
        throttle.failed("carol", "10.0.0.1");
        throttle.succeeded("carol");
        throttle.failed("carol", "10.0.0.1");
        assertThat(throttle.blockedFor("carol", null)).as("counting again from 1").isEmpty();

        throttle.failed("dave", null);
        throttle.failed("dave", null);
        clock.advance(Duration.ofMinutes(61));
        throttle.failed("dave", null);
        assertThat(throttle.blockedFor("dave", null)).as("failures an hour apart start again").isEmpty();
    }
}
