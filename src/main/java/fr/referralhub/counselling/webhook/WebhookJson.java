package fr.referralhub.counselling.webhook;

import java.nio.ByteBuffer;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * The body of a webhook request: the Avro record (a {@code CounsellingReferral}) as plain JSON, one property per
 * schema field in schema order, so a receiver reads the same fields as a Kafka consumer of
 * {@code counselling.<serviceId>}. Not Avro's JSON encoding (which wraps union values as {"string": ...}): a null
 * stays null (outside the profile: not shared), enums are their names, dates ({@code birthDate}, ...) ISO-8601
 * {@code 2001-05-03}, instants ({@code occurredAt}) ISO-8601 UTC.
 */
public final class WebhookJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookJson() {
    }

    public static byte[] toJson(IndexedRecord record) {
        try {
            return JSON.writeValueAsBytes(plain(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + record.getSchema().getFullName() + " as JSON", e);
        }
    }

    private static Object plain(Object value) {
        if (value == null || value instanceof Boolean || value instanceof Number) {
            return value;
        }
        if (value instanceof IndexedRecord record) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (Schema.Field field : record.getSchema().getFields()) {
                fields.put(field.name(), plain(record.get(field.pos())));
            }
            return fields;
        }
        if (value instanceof Collection<?> items) {
            List<Object> list = new ArrayList<>();
            items.forEach(item -> list.add(plain(item)));
            return list;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> plain = new LinkedHashMap<>();
            map.forEach((k, v) -> plain.put(String.valueOf(k), plain(v)));
            return plain;
        }
        if (value instanceof ByteBuffer bytes) {
            return Base64.getEncoder().encodeToString(bytes.array());
        }
        // CharSequence (Utf8), enums, and logical types (LocalDate, Instant) read as their ISO-8601 text.
        if (value instanceof TemporalAccessor || value instanceof CharSequence || value instanceof Enum<?>) {
            return value.toString();
        }
        return value.toString();
    }
}
