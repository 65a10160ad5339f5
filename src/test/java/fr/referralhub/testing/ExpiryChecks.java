package fr.referralhub.testing;

import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import fr.referralhub.expiry.ReferralExpiry;

/** Waiting for the referral state's expiry checks, in tests that move the hub's clock ({@link MovedClockHubTest}). */
public final class ExpiryChecks {

    private ExpiryChecks() {
    }

    /**
     * Returns once every partition of the hub was checked up to the clock's time as it is now, and what those checks
     * wrote is committed: a check's records are committed with its transaction, before the next check, so the test
     * waits for one more. "Nothing was reminded yet" can then be asserted after a check, not before one.
     */
    public static void awaitCheckOfNow(ReferralExpiry expiry, Clock clock) {
        Instant upTo = clock.instant();
        await().atMost(Duration.ofSeconds(30)).until(() -> expiry.oldestCheck().isAfter(upTo));
        Instant checked = expiry.oldestCheck();
        await().atMost(Duration.ofSeconds(30)).until(() -> expiry.oldestCheck().isAfter(checked));
    }
}
