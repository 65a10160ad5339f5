package fr.referralhub.health;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hub.health.*}.
 *
 * @param cacheFor how long a dependency check's answer is reused
 * @param timeout  how long one check may take before the dependency counts as unreachable
 */
@ConfigurationProperties("hub.health")
public record HealthProperties(@DefaultValue("5s") Duration cacheFor, @DefaultValue("2s") Duration timeout) {
}
