package fr.referralhub.eligibility;

import static fr.referralhub.avro.ContractType.APPRENTISSAGE;
import static fr.referralhub.avro.EmployerSector.PRIVE_NON_AGRICOLE;
import static fr.referralhub.avro.EmploymentStatus.APPRENTI;
import static fr.referralhub.avro.Programme.MOBILI_JEUNE;
import static fr.referralhub.eligibility.TestReferral.referral;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import fr.referralhub.avro.EligibilityOutcome;
import fr.referralhub.avro.ProgrammeDecision;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * The age of the newest reference SMIC, on the hub's clock: a gauge and a health detail, outdated after 396 days
 * (13 months), and a file whose SMIC is outdated is reported, never refused.
 */
class ReferenceSmicAgeTest {

    private static final EligibilityEngine BUNDLED = EligibilityEngine.withBundledRuleSets();

    /** Noon in Paris on that day (11:00 UTC in winter): the age counts French days. */
    private static Clock at(LocalDate day) {
        return Clock.fixed(day.atTime(11, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
    }

    private static double gauge(SimpleMeterRegistry meters) {
        return meters.get("hub.eligibility.smic.age.days").gauge().value();
    }

    @Test
    void the_bundled_2026_smic_is_current_on_the_day_of_the_issue() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ReferenceSmicAge age = new ReferenceSmicAge(BUNDLED, meters, at(LocalDate.of(2026, 12, 4)));

        assertThat(gauge(meters)).isEqualTo(337.0);
        Health health = age.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails())
                .containsEntry("newestFrom", "2026-01-01")
                .containsEntry("grossMonthlyEur", "1823.03")
                .containsEntry("ageDays", 337L)
                .containsEntry("outdated", false)
                .doesNotContainKey("action");
    }

    @Test
    void is_outdated_after_396_days_not_on_the_396th() {
        SimpleMeterRegistry lastDayMeters = new SimpleMeterRegistry();
        ReferenceSmicAge lastDay = new ReferenceSmicAge(BUNDLED, lastDayMeters, at(LocalDate.of(2027, 2, 1)));
        ReferenceSmicAge dayAfter = new ReferenceSmicAge(BUNDLED, new SimpleMeterRegistry(),
                at(LocalDate.of(2027, 2, 2)));

        assertThat(gauge(lastDayMeters)).isEqualTo(396.0);
        assertThat(lastDay.health().getDetails()).containsEntry("outdated", false);
        assertThat(dayAfter.health().getDetails()).containsEntry("ageDays", 397L).containsEntry("outdated", true);
    }

    @Test
    void the_age_follows_the_clock_and_uses_the_day_in_france() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // 23:30 UTC on 31 December 2026 is already 1 January 2027 in Paris.
        new ReferenceSmicAge(BUNDLED, meters, Clock.fixed(Instant.parse("2026-12-31T23:30:00Z"), ZoneOffset.UTC));

        assertThat(gauge(meters)).isEqualTo(365.0);
    }

    @Test
    void a_file_without_the_2026_smic_is_reported_and_still_decides(@TempDir Path tmp) throws Exception {
        String bundled = new String(EligibilityEngine.class.getClassLoader()
                .getResourceAsStream(EligibilityEngine.BUNDLED_RULE_SETS).readAllBytes(), StandardCharsets.UTF_8);
        String withoutTheLine = bundled.replaceAll("(?m)^  - from: 2026-01-01\\n    grossMonthlyEur: 1823\\.03.*\\n", "");
        assertThat(withoutTheLine).isNotEqualTo(bundled);
        Path file = Files.writeString(tmp.resolve("rule-sets.yaml"), withoutTheLine);
        EligibilityEngine engine = new EligibilityEngine(EligibilityEngine.ruleSetLoader().loadFromFile(file));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();

        ReferenceSmicAge age = new ReferenceSmicAge(engine, meters, at(LocalDate.of(2026, 12, 4)));

        // 2024-11-01 to 2026-12-04
        assertThat(gauge(meters)).isEqualTo(763.0);
        Health health = age.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("newestFrom", "2024-11-01").containsEntry("outdated", true)
                .containsKey("action");
        // Not a failure: decided with the newest SMIC it has (120 % of 1801.80 = 2162.16).
        ProgrammeDecision decision = engine.decide(referral().appliedOn(LocalDate.of(2026, 12, 4))
                .bornOn(LocalDate.of(2004, 6, 1)).status(APPRENTI)
                .contract(APPRENTISSAGE, PRIVE_NON_AGRICOLE, LocalDate.of(2026, 10, 1)).grossSalary("2170.00")
                .distanceKm(85).doubleRent(false).requesting(MOBILI_JEUNE).build(), Instant.parse("2026-12-04T10:00:00Z"))
                .getProgrammes().get(0);
        assertThat(decision.getOutcome()).isEqualTo(EligibilityOutcome.NOT_ELIGIBLE);
    }
}
