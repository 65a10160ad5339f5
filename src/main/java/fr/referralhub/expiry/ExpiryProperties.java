package fr.referralhub.expiry;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hub.expiry}: when a referral no counselling service has acted on is reminded and expires (DOMAIN.md: Dora
 * reminds after 10 days and expires after 30), both counted from the referral's first delivery to a service.
 *
 * @param enabled        false: the sweep route does not start (nothing is reminded or expired)
 * @param reminderAfter  from the first delivery to the one reminder
 * @param expireAfter    from the first delivery to EXPIRED; longer than reminderAfter, or the reminder would never
 *                       come before the expiry (the start-up stops then)
 * @param sweepInterval  how often the sweep looks for referrals to remind or expire (a few minutes late is harmless
 *                       for delays counted in days). Written 30s, 1m, 1h: Camel's timer reads the same text
 */
@ConfigurationProperties("hub.expiry")
public record ExpiryProperties(@DefaultValue("true") boolean enabled,
                               @DefaultValue("P10D") Duration reminderAfter,
                               @DefaultValue("P30D") Duration expireAfter,
                               @DefaultValue("1m") Duration sweepInterval) {

    public ExpiryProperties {
        require(reminderAfter != null && !reminderAfter.isNegative() && !reminderAfter.isZero(), "hub.expiry.reminder-after (HUB_EXPIRY_REMINDER_AFTER) "
                + "must be a positive duration, e.g. P10D; it is " + reminderAfter);
        require(expireAfter != null && expireAfter.compareTo(reminderAfter) > 0, "hub.expiry.expire-after "
                + "(HUB_EXPIRY_EXPIRE_AFTER, " + expireAfter + ") must be longer than hub.expiry.reminder-after ("
                + reminderAfter + "): both count from the first delivery, and the reminder comes before the expiry");
        require(sweepInterval != null && sweepInterval.toMillis() >= 1, "hub.expiry.sweep-interval "
                + "(HUB_EXPIRY_SWEEP_INTERVAL) must be a positive duration, e.g. 1m; it is " + sweepInterval);
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException("Invalid expiry configuration: " + problem);
        }
    }
}
