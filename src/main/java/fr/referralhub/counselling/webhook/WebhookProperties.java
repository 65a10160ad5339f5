package fr.referralhub.counselling.webhook;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hub.webhooks.*}: how the hub POSTs to WEBHOOK subscriptions.
 *
 * @param maxAttempts        attempts per delivery, the first included; after the last one it is dead-lettered
 * @param initialDelay       wait before the second attempt; doubled after each failed attempt...
 * @param maxDelay           ...up to this
 * @param connectTimeout     to open a connection to a receiver
 * @param requestTimeout     for the whole exchange with a receiver, from the send, connection and answer's body
 *                           included (a timeout is a failed attempt, retried)
 * @param maxInFlight        records read from the outbox and not yet delivered or dead-lettered (memory bound while
 *                           receivers are down): each partition gets its share, beyond which it is not read until
 *                           its lanes drain; at twice as many in all, none is read
 * @param allowHttpLocalhost whether a webhook URL may be plain http to localhost or 127.0.0.1 (dev profile and
 *                           tests only)
 */
@ConfigurationProperties("hub.webhooks")
public record WebhookProperties(
        @DefaultValue("6") int maxAttempts,
        @DefaultValue("PT2S") Duration initialDelay,
        @DefaultValue("PT5M") Duration maxDelay,
        @DefaultValue("PT2S") Duration connectTimeout,
        @DefaultValue("PT5S") Duration requestTimeout,
        @DefaultValue("1000") int maxInFlight,
        @DefaultValue("false") boolean allowHttpLocalhost) {

    public WebhookProperties {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("hub.webhooks.max-attempts must be at least 1, not " + maxAttempts);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("hub.webhooks.max-in-flight must be at least 1, not " + maxInFlight);
        }
    }

    /** Wait before attempt {@code attempt + 1}, after {@code attempt} failed ones: exponential, capped. */
    public Duration delayAfter(int attempt) {
        Duration delay = initialDelay;
        for (int i = 1; i < attempt && delay.compareTo(maxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }
}
