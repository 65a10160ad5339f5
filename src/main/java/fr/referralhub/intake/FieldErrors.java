package fr.referralhub.intake;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import fr.referralhub.api.FieldError;
import fr.referralhub.api.ProblemKind;
import fr.referralhub.identity.Nir;
import fr.referralhub.intake.InvalidPartnerEventException.Kind;

/**
 * Collects every problem of one partner event with the field (JSON path, CSV column) it is about, instead of
 * stopping at the first one: a partner's IT team fixes a rejected event in one go. Each partner format has its own
 * reader of raw values ({@link JsonFields}, {@link CsvFields}); the checks and their wording are shared here, so a
 * partner gets the same reason for the same mistake whatever its channel.
 *
 * <p>Reasons say what is expected, never what was sent: a value in the wrong field may be a NIR or a name, and
 * reasons are logged and dead-lettered.
 */
abstract class FieldErrors {

    static final BigDecimal MAX_EUROS = BigDecimal.valueOf(1_000_000);

    private final List<FieldError> errors = new ArrayList<>();

    void reject(String field, String reason) {
        errors.add(new FieldError(field, reason));
    }

    List<FieldError> errors() {
        return errors;
    }

    /** Refuses the event with every problem found so far, if any. */
    void throwIfAny(ProblemKind kind) {
        if (!errors.isEmpty()) {
            throw new InvalidPartnerEventException(kind, errors);
        }
    }

    <E extends Enum<E>> Optional<E> toEnum(String field, String value, Class<E> type) {
        try {
            return Optional.of(Enum.valueOf(type, value));
        } catch (IllegalArgumentException e) {
            reject(field, "must be one of " + Arrays.toString(type.getEnumConstants()));
            return Optional.empty();
        }
    }

    /** Euros to euro cents, within the range of a monthly salary or rent. */
    Optional<Long> euroCents(String field, BigDecimal euros) {
        if (euros.signum() < 0 || euros.compareTo(MAX_EUROS) > 0) {
            reject(field, "must be between 0 and 1000000 euros");
            return Optional.empty();
        }
        if (euros.stripTrailingZeros().scale() > 2) {
            reject(field, "must have at most 2 decimals");
            return Optional.empty();
        }
        return Optional.of(euros.movePointRight(2).longValueExact());
    }

    Optional<Integer> inRange(String field, long value, int min, int max) {
        if (value < min || value > max) {
            reject(field, "must be between " + min + " and " + max);
            return Optional.empty();
        }
        return Optional.of((int) value);
    }

    /** A NIR as partners write it (spaces allowed); the reason of a refusal never repeats it. */
    Optional<Nir> nir(String field, String raw) {
        Nir.Result result = Nir.parse(raw);
        if (!result.valid()) {
            reject(field, result.problem());
        }
        return result.nir();
    }

    /** The event's timestamp must be one the hub can decide and not ahead of its clock ({@link EventDates}). */
    void checkEventTime(String field, Instant occurredAt, EventDates dates) {
        dates.problem(occurredAt).ifPresent(reason -> reject(field, reason));
    }

    /** The event's day, for a format that gives no time ({@link EventDates}). */
    void checkEventDay(String field, LocalDate day, EventDates dates) {
        dates.problem(day).ifPresent(reason -> reject(field, reason));
    }

    /** A birth date must be in the 100 years before the event, so swapped or mistyped dates are caught. */
    void checkBirthDate(String field, LocalDate born, LocalDate eventDay) {
        if (born.isAfter(eventDay) || born.isBefore(eventDay.minusYears(100))) {
            reject(field, "must be a birth date in the past 100 years");
        }
    }
}
