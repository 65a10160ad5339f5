package fr.referralhub.eligibility;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * How old the newest reference SMIC of the rule-set file is, on the hub's clock.
 *
 * <p>The SMIC is revalued every 1 January (and sometimes in between). A date past the newest value in the file is
 * still decided, with that value: refusing every referral because a yearly line is missing would stop the hub for
 * a data chore. But the salary ceilings are then computed from an outdated SMIC, so the age shows as the gauge
 * {@code hub.eligibility.smic.age.days} (alert {@code ReferenceSmicOutdated} in ops/prometheus/alerts.yml) and in the
 * details of the {@code referenceSmic} health component. That component stays UP, like {@code silentPartners}: the
 * hub works, and no probe should restart it for a missing line of data.
 *
 * <p>Outdated means more than {@value #OUTDATED_AFTER_DAYS} days (13 months): a value of 1 January is due by the
 * next 1 January, and the extra month leaves time for the decree (published late December) to reach the file.
 */
@Component("referenceSmic")
class ReferenceSmicAge implements HealthIndicator {

    /** 13 months, the age after which the SMIC is reported outdated; the alert rule uses the same figure. */
    static final int OUTDATED_AFTER_DAYS = 396;

    private static final Logger log = LoggerFactory.getLogger(ReferenceSmicAge.class);

    private final RuleSetCatalogue catalogue;
    private final Clock clock;

    ReferenceSmicAge(EligibilityEngine engine, MeterRegistry meters, Clock clock) {
        this.catalogue = engine.catalogue();
        this.clock = clock;
        Gauge.builder("hub.eligibility.smic.age.days", this::ageInDays)
                .description("Days since the newest reference SMIC of the eligibility rule sets applies from")
                .register(meters);
        if (isOutdated()) {
            // Once at start-up, so a deployment with an old file is visible in its own logs too.
            log.warn("The newest reference SMIC of {} applies from {}, {} days ago: add the current value to its "
                    + "referenceSmic list", catalogue.source(), newestFrom(), ageInDays());
        }
    }

    /** Days from the newest SMIC's first day to today in France (negative while that value is still to come). */
    long ageInDays() {
        return ChronoUnit.DAYS.between(newestFrom(), clock.instant().atZone(EligibilityEngine.APPLICATION_TIME_ZONE).toLocalDate());
    }

    boolean isOutdated() {
        return ageInDays() > OUTDATED_AFTER_DAYS;
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        BigDecimal amount = catalogue.newestReferenceSmic().getValue();
        details.put("ruleSets", catalogue.source());
        details.put("newestFrom", newestFrom().toString());
        details.put("grossMonthlyEur", amount.toPlainString());
        details.put("ageDays", ageInDays());
        details.put("outdated", isOutdated());
        if (isOutdated()) {
            details.put("action", "Older than " + OUTDATED_AFTER_DAYS + " days: add the current SMIC to referenceSmic"
                    + " in " + catalogue.source() + "; until then salary ceilings use " + amount.toPlainString()
                    + " EUR");
        }
        return Health.up().withDetails(details).build();
    }

    private LocalDate newestFrom() {
        return catalogue.newestReferenceSmic().getKey();
    }
}
