package fr.referralhub.state;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * When referrals nobody acted on are reminded and expire, and what tells it (implemented by fr.referralhub.expiry). The
 * referral state checks its own referrals every {@link #checkEvery()} and writes the reminders, the notices and the
 * EXPIRED changes in the transaction that records them: each is sent once, by the instance that owns the referral.
 */
public interface ExpiryPolicy {

    /** Never reminds nor expires (tests of the ledger alone). */
    ExpiryPolicy NEVER = new ExpiryPolicy() {
        @Override
        public Delays delays() {
            return new Delays(false, Duration.ofDays(10), Duration.ofDays(30), Duration.ofMinutes(1));
        }

        @Override
        public List<OutboundRecord> reminder(ReferralRouting routing, ReferralSummary referral, Set<String> services,
                                             Instant now) {
            return List.of();
        }

        @Override
        public List<OutboundRecord> expiryNotices(ReferralRouting routing, Set<String> services, Instant now) {
            return List.of();
        }
    };

    /**
     * @param enabled       false: nothing is reminded or expired (the due index is kept all the same)
     * @param reminderAfter from the first delivery to the one reminder
     * @param expireAfter   from the first delivery to EXPIRED
     * @param checkEvery    how often the owner looks for what is due
     */
    record Delays(boolean enabled, Duration reminderAfter, Duration expireAfter, Duration checkEvery) {
    }

    Delays delays();

    /** The reminder to the referrer and the REMINDER notices to these services. */
    List<OutboundRecord> reminder(ReferralRouting routing, ReferralSummary referral, Set<String> services, Instant now);

    /** The EXPIRED notices to these services (their EXPIRED status changes are the referral state's own). */
    List<OutboundRecord> expiryNotices(ReferralRouting routing, Set<String> services, Instant now);

    /** Told once per (referral, service) expired: for metrics. */
    default void expired(String serviceId) {
    }

    /** Told after each check of a partition, with the hub's time it checked up to: for metrics and tests. */
    default void checked(int partition, Instant upTo) {
    }

    /** Told when the task of a partition leaves this instance: its checks are reported elsewhere from now on. */
    default void released(int partition) {
    }

    /** Told once per referral reminded: for metrics. */
    default void reminded(String partnerId) {
    }
}
