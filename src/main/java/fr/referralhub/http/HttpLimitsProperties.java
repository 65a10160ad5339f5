package fr.referralhub.http;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hub.http.*}: what the HTTP server allows one client ({@link HttpServerLimits}).
 *
 * @param bodyTimeout          a request body must have arrived whole within this long; each read of it also waits at
 *                             most this long for the next bytes (408 otherwise)
 * @param maxRequestsPerClient requests of one client address in progress at once, beyond which it gets 429 (the
 *                             address is the proxy's unless {@code server.forward-headers-strategy} is set)
 */
@ConfigurationProperties("hub.http")
public record HttpLimitsProperties(
        @DefaultValue("10s") Duration bodyTimeout,
        @DefaultValue("32") int maxRequestsPerClient) {

    public HttpLimitsProperties {
        if (bodyTimeout.isNegative() || bodyTimeout.isZero() || bodyTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("hub.http.body-timeout must be positive and under 24 days: " + bodyTimeout);
        }
        if (maxRequestsPerClient < 1) {
            throw new IllegalArgumentException("hub.http.max-requests-per-client must be at least 1: "
                    + maxRequestsPerClient);
        }
    }
}
