package fr.referralhub.intake;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Reads typed values out of one row of a French spreadsheet export, by column name, and collects every problem with
 * the column it is about (see {@link FieldErrors}: reasons say what is expected, never what was sent).
 *
 * <p>French conventions: an empty cell is an unknown value, dates are dd/MM/yyyy, amounts have a decimal comma and
 * spaces (or no-break spaces) between thousands, booleans are oui/non, multi-valued cells are separated by '|'.
 */
final class CsvFields extends FieldErrors {

    /** Strict: 31/02/2026 is refused instead of being moved to the end of February. */
    private static final DateTimeFormatter FRENCH_DATE = DateTimeFormatter.ofPattern("dd/MM/uuuu")
            .withResolverStyle(ResolverStyle.STRICT);
    private static final Pattern FRENCH_DAY = Pattern.compile("\\d{2}/\\d{2}/\\d{4}");
    /** 1050,45 or 1 050,45 (space, no-break space or narrow no-break space between thousands). */
    private static final Pattern FRENCH_AMOUNT = Pattern.compile("(\\d+|\\d{1,3}([ \\u00A0\\u202F]\\d{3})+)(,\\d+)?");
    private static final Pattern THOUSANDS_SEPARATOR = Pattern.compile("[ \\u00A0\\u202F]");

    private final Map<String, String> cells;

    /** @param cells the row's cells by column name, as read (not yet stripped) */
    CsvFields(Map<String, String> cells) {
        this.cells = cells;
    }

    /** Whether the cell is empty, i.e. the value is unknown. */
    boolean isEmpty(String column) {
        return cells.getOrDefault(column, "").isBlank();
    }

    Optional<String> text(String column, boolean required) {
        // Before stripping: a control character at the end of a cell is refused, not quietly dropped.
        if (plainText(column, cells.getOrDefault(column, "")).isEmpty()) {
            return Optional.empty();
        }
        String value = cells.getOrDefault(column, "").strip();
        if (value.isEmpty()) {
            if (required) {
                reject(column, "is required");
            }
            return Optional.empty();
        }
        if (value.length() > 200) {
            reject(column, "is longer than 200 characters");
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /** A partner's event id ({@link FieldErrors#EVENT_ID}). */
    Optional<String> eventId(String column) {
        return text(column, true).flatMap(value -> eventId(column, value));
    }

    Optional<String> code(String column, boolean required, Predicate<String> valid, String expected) {
        Optional<String> value = text(column, required);
        if (value.isPresent() && !valid.test(value.get())) {
            reject(column, "must be " + expected);
            return Optional.empty();
        }
        return value;
    }

    <E extends Enum<E>> Optional<E> enumValue(String column, boolean required, Class<E> type) {
        return text(column, required).flatMap(value -> toEnum(column, value, type));
    }

    /** A '|'-separated list of codes; repeated values count once, an empty cell is an empty list. */
    <E extends Enum<E>> List<E> enumList(String column, Class<E> type) {
        List<E> values = new ArrayList<>();
        Optional<String> cell = text(column, false);
        if (cell.isEmpty()) {
            return values;
        }
        String[] items = cell.get().split("\\|", -1);
        for (int i = 0; i < items.length; i++) {
            String itemField = column + "[" + i + "]";
            String item = items[i].strip();
            if (item.isEmpty()) {
                reject(itemField, "must not be empty (two '|' in a row?)");
                continue;
            }
            toEnum(itemField, item, type).filter(v -> !values.contains(v)).ifPresent(values::add);
        }
        return values;
    }

    Optional<Boolean> bool(String column, boolean required) {
        return text(column, required).flatMap(value -> switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "oui" -> Optional.of(true);
            case "non" -> Optional.of(false);
            default -> {
                reject(column, "must be oui or non");
                yield Optional.empty();
            }
        });
    }

    Optional<LocalDate> date(String column, boolean required) {
        return text(column, required).flatMap(value -> {
            try {
                // Four-digit years only: the formatter also reads a signed year of nine digits.
                if (!FRENCH_DAY.matcher(value).matches()) {
                    throw new DateTimeParseException("not DD/MM/YYYY", value, 0);
                }
                return Optional.of(LocalDate.parse(value, FRENCH_DATE));
            } catch (DateTimeParseException e) {
                reject(column, "must be an existing date as DD/MM/YYYY");
                return Optional.empty();
            }
        }).flatMap(day -> day(column, day));
    }

    /** Euros with a decimal comma ("1 050,45") to euro cents (105045). */
    Optional<Long> euroCents(String column) {
        return text(column, false).flatMap(value -> {
            if (!FRENCH_AMOUNT.matcher(value).matches()) {
                reject(column, "must be an amount in euros with a decimal comma, e.g. 1 050,45");
                return Optional.empty();
            }
            String plain = THOUSANDS_SEPARATOR.matcher(value).replaceAll("").replace(',', '.');
            return euroCents(column, new BigDecimal(plain));
        });
    }

    Optional<Integer> wholeNumber(String column, int min, int max) {
        return text(column, false).flatMap(value -> {
            if (!value.matches("\\d{1,9}")) {
                reject(column, "must be a whole number");
                return Optional.empty();
            }
            return inRange(column, Long.parseLong(value), min, max);
        });
    }
}
