package fr.referralhub.intake;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

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
    static final String EUROS_RANGE = "must be between 0 and 1000000 euros";

    /**
     * An event id, in every channel (the XSD's {@code Identifiant}): it becomes a Kafka header, a log field and part of
     * derived ids, so only characters that are safe everywhere, and at most 100 of them.
     */
    static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9._:/-]{1,100}");
    static final String EVENT_ID_EXPECTED = "an event id of 1 to 100 letters, digits and . _ : / -";

    /**
     * The days a date field may hold, whatever it means (birth, contract, information): outside them a date is a
     * mistake, and far outside them it does not even fit the canonical record (an Avro date is an int of days).
     */
    static final LocalDate FIRST_DAY = LocalDate.of(1900, 1, 1);
    static final LocalDate LAST_DAY = LocalDate.of(2100, 12, 31);

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

    /**
     * Whether a value is text a person typed: no control characters (CR, LF, tab, NUL...), no line or paragraph
     * separators, no half of a UTF-16 surrogate pair (it cannot be written as UTF-8 and would become '?'). Checked
     * on every text value before anything else reads it.
     */
    static boolean isPlainText(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** The value, or empty with a reason when it holds characters that are not plain text ({@link #isPlainText}). */
    Optional<String> plainText(String field, String value) {
        if (!isPlainText(value)) {
            reject(field, "must not contain control characters, line breaks or invalid Unicode");
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /** A partner's event id ({@link #EVENT_ID}). */
    Optional<String> eventId(String field, String value) {
        if (!EVENT_ID.matcher(value).matches()) {
            reject(field, "must be " + EVENT_ID_EXPECTED);
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /** A day within {@link #FIRST_DAY} and {@link #LAST_DAY}. */
    Optional<LocalDate> day(String field, LocalDate day) {
        if (day.isBefore(FIRST_DAY) || day.isAfter(LAST_DAY)) {
            reject(field, "must be between " + FIRST_DAY + " and " + LAST_DAY);
            return Optional.empty();
        }
        return Optional.of(day);
    }

    /** An instant whose day (in UTC) is within {@link #FIRST_DAY} and {@link #LAST_DAY}. */
    Optional<Instant> instant(String field, Instant instant) {
        if (instant.isBefore(FIRST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant())
                || !instant.isBefore(LAST_DAY.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant())) {
            reject(field, "must be between " + FIRST_DAY + " and " + LAST_DAY);
            return Optional.empty();
        }
        return Optional.of(instant);
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
            reject(field, EUROS_RANGE);
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
