package fr.referralhub.partners;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hub.operations.silent-partners}: how long a partner that has sent before may stay quiet before operators are
 * alerted. Partners differ (an agency sends every day, a training body drops a file a week), hence the overrides.
 *
 * @param after     default silence that raises the alert
 * @param overrides per partner id, a silence of its own
 */
@ConfigurationProperties("hub.operations.silent-partners")
public record SilentPartnerProperties(@DefaultValue("P3D") Duration after,
                                      @DefaultValue Map<String, Duration> overrides) {

    public Duration allowedSilence(String partnerId) {
        return overrides.getOrDefault(partnerId, after);
    }
}
