package fr.referralhub.intake;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads typed values out of a partner's JSON document and collects every problem with its field path (see
 * {@link FieldErrors}: reasons say what is expected, never what was sent).
 */
final class JsonFields extends FieldErrors {

    private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    Optional<JsonNode> object(JsonNode parent, String path, boolean required) {
        return present(parent, path, required).filter(node -> expect(node.isObject(), path, "must be an object"));
    }

    Optional<String> text(JsonNode parent, String path, boolean required) {
        return present(parent, path, required)
                .filter(node -> expect(node.isTextual(), path, "must be a string"))
                .flatMap(node -> nonBlank(node, path, required));
    }

    private Optional<String> nonBlank(JsonNode node, String path, boolean required) {
        // Before stripping: a line break at the end of an event id is refused, not quietly dropped.
        if (plainText(path, node.asText()).isEmpty()) {
            return Optional.empty();
        }
        String value = node.asText().strip();
        if (value.isEmpty()) {
            if (required) {
                reject(path, "must not be empty");
            }
            return Optional.empty();
        }
        if (value.length() > 200) {
            reject(path, "is longer than 200 characters");
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /** A partner's event id ({@link FieldErrors#EVENT_ID}). */
    Optional<String> eventId(JsonNode parent, String path, boolean required) {
        return text(parent, path, required).flatMap(value -> eventId(path, value));
    }

    Optional<String> code(JsonNode parent, String path, boolean required, Predicate<String> valid, String expected) {
        Optional<String> value = text(parent, path, required);
        if (value.isPresent() && !valid.test(value.get())) {
            reject(path, "must be " + expected);
            return Optional.empty();
        }
        return value;
    }

    <E extends Enum<E>> Optional<E> enumValue(JsonNode parent, String path, boolean required, Class<E> type) {
        return text(parent, path, required).flatMap(value -> toEnum(path, value, type));
    }

    <E extends Enum<E>> List<E> enumList(JsonNode parent, String path, Class<E> type) {
        return distinctStrings(parent, path, (itemPath, value) -> toEnum(itemPath, value, type));
    }

    List<String> codeList(JsonNode parent, String path, Predicate<String> valid, String expected) {
        return distinctStrings(parent, path, (itemPath, value) -> {
            if (!valid.test(value)) {
                reject(itemPath, "must be " + expected);
                return Optional.empty();
            }
            return Optional.of(value);
        });
    }

    /** An optional array of strings, each converted (or rejected) on its own; repeated values count once. */
    private <T> List<T> distinctStrings(JsonNode parent, String path, BiFunction<String, String, Optional<T>> convert) {
        List<T> values = new ArrayList<>();
        Optional<JsonNode> array = present(parent, path, false)
                .filter(node -> expect(node.isArray(), path, "must be an array"));
        if (array.isEmpty()) {
            return values;
        }
        for (int i = 0; i < array.get().size(); i++) {
            String itemPath = path + "[" + i + "]";
            JsonNode item = array.get().get(i);
            if (expect(item.isTextual(), itemPath, "must be a string")) {
                convert.apply(itemPath, item.asText()).filter(v -> !values.contains(v)).ifPresent(values::add);
            }
        }
        return values;
    }

    Optional<Boolean> bool(JsonNode parent, String path, boolean required) {
        return present(parent, path, required)
                .filter(node -> expect(node.isBoolean(), path, "must be true or false"))
                .map(JsonNode::booleanValue);
    }

    Optional<LocalDate> date(JsonNode parent, String path, boolean required) {
        return text(parent, path, required).flatMap(value -> {
            try {
                // Four-digit years only: ISO also reads +292278994-08-17, a day no partner means.
                if (!DAY.matcher(value).matches()) {
                    throw new DateTimeParseException("not YYYY-MM-DD", value, 0);
                }
                return Optional.of(LocalDate.parse(value));
            } catch (DateTimeParseException e) {
                reject(path, "must be an existing date as YYYY-MM-DD");
                return Optional.empty();
            }
        }).flatMap(day -> day(path, day));
    }

    Optional<Instant> timestamp(JsonNode parent, String path, boolean required) {
        return text(parent, path, required).flatMap(value -> {
            try {
                return Optional.of(OffsetDateTime.parse(value).toInstant());
            } catch (DateTimeParseException e) {
                reject(path, "must be an ISO-8601 date-time with offset, e.g. 2026-11-20T09:15:00+01:00");
                return Optional.empty();
            }
        }).flatMap(at -> instant(path, at));
    }

    /** Euros with a decimal point, at most 2 decimals, to euro cents. */
    Optional<Long> euroCents(JsonNode parent, String path) {
        JsonNode node = child(parent, path);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isNumber()) {
            reject(path, "must be a number of euros with a decimal point, e.g. 1400.00");
            return Optional.empty();
        }
        // 1e400 read as a double is infinite and has no decimal value: out of range like any huge amount.
        if (node.isFloatingPointNumber() && !node.isBigDecimal() && !Double.isFinite(node.doubleValue())) {
            reject(path, EUROS_RANGE);
            return Optional.empty();
        }
        return euroCents(path, node.decimalValue());
    }

    Optional<Integer> wholeNumber(JsonNode parent, String path, int min, int max) {
        JsonNode node = child(parent, path);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isNumber() || !node.canConvertToInt() || node.decimalValue().stripTrailingZeros().scale() > 0) {
            reject(path, "must be a whole number");
            return Optional.empty();
        }
        return inRange(path, node.intValue(), min, max);
    }

    /** The child, or empty (and a "required" error when it must be there). */
    private Optional<JsonNode> present(JsonNode parent, String path, boolean required) {
        JsonNode node = child(parent, path);
        if (node == null && required) {
            reject(path, "is required");
        }
        return Optional.ofNullable(node);
    }

    /** Records the reason when a value has the wrong JSON type. */
    private boolean expect(boolean rightType, String path, String reason) {
        if (!rightType) {
            reject(path, reason);
        }
        return rightType;
    }

    /** Child by the last segment of a dotted path; JSON null counts as absent. */
    private static JsonNode child(JsonNode parent, String path) {
        String name = path.substring(path.lastIndexOf('.') + 1);
        JsonNode node = parent.get(name);
        return node == null || node.isNull() ? null : node;
    }
}
