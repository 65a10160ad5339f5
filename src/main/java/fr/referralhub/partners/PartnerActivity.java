package fr.referralhub.partners;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * When each partner last sent something, and which partners went silent.
 *
 * <p>A partner whose system stops sending (an export job that died, an expired certificate) causes no error in the
 * hub: referrals simply stop arriving. So a partner that has sent before and has sent nothing for longer than its
 * allowed silence ({@link SilentPartnerProperties}) shows as {@code hub.partner.silent{partner}=1} (the alert metric)
 * and in the details of the {@code silentPartners} health contributor. That contributor stays UP: the hub itself is
 * healthy, and no probe should restart it for a partner's outage.
 *
 * <p>Activity is fed by every input received and, at start-up, by the referral history intake.PartnerHistory reads, so
 * a restart does not forget who used to send. Partners never heard from are not "silent": nothing is known of their
 * rhythm yet.
 */
@Component("silentPartners")
@EnableConfigurationProperties(SilentPartnerProperties.class)
public class PartnerActivity implements HealthIndicator {

    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
    private final PartnerRegistry registry;
    private final SilentPartnerProperties properties;
    private final Clock clock;

    @Autowired
    public PartnerActivity(PartnerRegistry registry, SilentPartnerProperties properties, MeterRegistry meters) {
        this(registry, properties, meters, Clock.systemUTC());
    }

    PartnerActivity(PartnerRegistry registry, SilentPartnerProperties properties, MeterRegistry meters, Clock clock) {
        this.registry = registry;
        this.properties = properties;
        this.clock = clock;
        for (Partner partner : registry.all()) {
            if (partner.enabled()) {
                Gauge.builder("hub.partner.silent", () -> isSilent(partner.id()) ? 1 : 0)
                        .description("1 when a partner that used to send has sent nothing for longer than allowed")
                        .tag("partner", partner.id())
                        .register(meters);
            }
        }
    }

    /** The partner sent something at that time (an event received, whatever its fate). */
    public void seen(String partnerId, Instant at) {
        if (partnerId != null && at != null) {
            lastSeen.merge(partnerId, at, (earlier, later) -> later.isAfter(earlier) ? later : earlier);
        }
    }

    public Optional<Instant> lastSeen(String partnerId) {
        return Optional.ofNullable(lastSeen.get(partnerId));
    }

    public boolean isSilent(String partnerId) {
        Instant last = lastSeen.get(partnerId);
        return last != null && registry.find(partnerId).filter(Partner::enabled).isPresent()
                && Duration.between(last, clock.instant()).compareTo(properties.allowedSilence(partnerId)) > 0;
    }

    @Override
    public Health health() {
        Map<String, Object> silent = new TreeMap<>();
        for (Partner partner : registry.all()) {
            if (isSilent(partner.id())) {
                silent.put(partner.id(), Map.of("lastSeen", lastSeen.get(partner.id()).toString(),
                        "allowedSilence", properties.allowedSilence(partner.id()).toString()));
            }
        }
        return Health.up().withDetail("silent", silent).build();
    }
}
