package fr.referralhub.kafka;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hub.kafka.outage.*}: how soon a caller waiting on the broker is told it is unavailable ({@link BrokerBreaker}).
 *
 * @param ackTimeout  a send the broker has not acknowledged within this long counts as an outage (the partner gets
 *                    503; the record may still be written, and a re-send is recognised)
 * @param failFastFor after an outage, sends fail at once for this long before one tries the broker again
 */
@ConfigurationProperties("hub.kafka.outage")
public record BrokerOutageProperties(
        @DefaultValue("1500ms") Duration ackTimeout,
        @DefaultValue("5s") Duration failFastFor) {

    public BrokerOutageProperties {
        if (ackTimeout.isNegative() || ackTimeout.isZero() || failFastFor.isNegative()) {
            throw new IllegalArgumentException("hub.kafka.outage: ack-timeout must be positive and fail-fast-for not "
                    + "negative: " + ackTimeout + ", " + failFastFor);
        }
    }
}
