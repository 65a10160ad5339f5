package fr.referralhub.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import org.springframework.boot.actuate.health.Health;

/** The last answer of a dependency check, reused until it is older than {@code cacheFor}; one check at a time. */
final class CachedHealth {

    private final Supplier<Health> check;
    private final Duration cacheFor;
    private final Clock clock;
    private Health last;
    private Instant checkedAt = Instant.MIN;

    CachedHealth(Supplier<Health> check, Duration cacheFor, Clock clock) {
        this.check = check;
        this.cacheFor = cacheFor;
        this.clock = clock;
    }

    /** Concurrent probes wait for the one check under way instead of starting their own. */
    synchronized Health get() {
        Instant now = clock.instant();
        if (last == null || !now.isBefore(checkedAt.plus(cacheFor))) {
            last = check.get();
            checkedAt = clock.instant();
        }
        return last;
    }
}
