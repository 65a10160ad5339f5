package fr.referralhub.intake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;

import fr.referralhub.eligibility.EligibilityEngine;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The dates a partner event may carry: from the first day the eligibility rule sets cover, to one day after now on
 * the hub's clock. An event outside them is refused at intake, field by field like any other mistake
 * ({@link FieldErrors}): HTTP partners get 422 naming the date field, file rows and Kafka records a dead letter with
 * the reason. Accepting it would only defer the failure: its eligibility decision cannot be made (no rule set covers
 * an older date) and is dead-lettered after the partner was told 202. A date far ahead is a partner's mistake
 * (a swapped day and month, a wrong year); one day of slack absorbs clocks that drift and time zones.
 */
@Component
class EventDates {

    private static final ZoneId PARIS = EligibilityEngine.APPLICATION_TIME_ZONE;
    private static final Duration AHEAD = Duration.ofDays(1);

    private final LocalDate firstDay;
    private final Clock clock;

    @Autowired
    EventDates(EligibilityEngine engine, Clock clock) {
        this(engine.catalogue().firstApplicationDate(), clock);
    }

    EventDates(LocalDate firstDay, Clock clock) {
        this.firstDay = firstDay;
        this.clock = clock;
    }

    /** For readers built outside Spring (tests, tools): the bundled rule sets and the system clock. */
    static EventDates bundledRuleSets() {
        return new EventDates(EligibilityEngine.withBundledRuleSets(), Clock.systemUTC());
    }

    /**
     * Why a partner timestamp is refused, if it is: its day in France is before the first rule set, or it is more
     * than one day after the hub's clock.
     */
    Optional<String> problem(Instant occurredAt) {
        Optional<String> tooOld = tooOld(LocalDate.ofInstant(occurredAt, PARIS));
        if (tooOld.isPresent()) {
            return tooOld;
        }
        return occurredAt.isAfter(clock.instant().plus(AHEAD))
                ? Optional.of("must not be more than one day after the hub's current time")
                : Optional.empty();
    }

    /**
     * Why a partner day (a format that gives no time) is refused, if it is: before the first rule set, or after
     * tomorrow in France. A day is compared with days: its hour is unknown.
     */
    Optional<String> problem(LocalDate day) {
        Optional<String> tooOld = tooOld(day);
        if (tooOld.isPresent()) {
            return tooOld;
        }
        LocalDate latest = clock.instant().atZone(PARIS).toLocalDate().plusDays(1);
        return day.isAfter(latest)
                ? Optional.of("must not be more than one day after today (at the latest " + latest + ")")
                : Optional.empty();
    }

    private Optional<String> tooOld(LocalDate day) {
        return day.isBefore(firstDay)
                ? Optional.of("must be on or after " + firstDay + ", the first day the eligibility rules cover")
                : Optional.empty();
    }
}
