package fr.referralhub.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import fr.referralhub.topics.TopicCatalog;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * A consumed record bigger than its topic's declared limit ({@link TopicCatalog#INTAKE_MAX_RECORD_BYTES}), refused
 * before it is read. {@link DeadLetters#send} keeps only its digest, size and origin: its bytes are neither parsed nor
 * copied, so neither a megabyte of XML nor 20 MB inflated from a small gzipped batch can stall the route.
 */
public class OversizedRecordException extends RuntimeException {

    /** The reason written on the dead letter (no content of the record in it). */
    public static final String REASON = "too big";

    private final long bytes;
    private final long limit;

    OversizedRecordException(long bytes, long limit) {
        super(REASON + ": " + bytes + " bytes, over the limit of " + limit + " bytes; not read");
        this.bytes = bytes;
        this.limit = limit;
    }

    public long bytes() {
        return bytes;
    }

    public long limit() {
        return limit;
    }

    /**
     * Route step helper: refuses a consumed record whose key, value and headers together are over {@code limit}.
     *
     * @throws OversizedRecordException when it is
     */
    public static void check(Exchange record, int limit) {
        long size = sizeOf(record.getMessage());
        if (size > limit) {
            throw new OversizedRecordException(size, limit);
        }
    }

    /**
     * The bytes a record holds that a dead letter would copy: value, key, and the partner's own headers (Camel keeps
     * a consumed record's Kafka headers as message headers, and the dead letter writes them back). Camel's and the
     * Kafka component's own headers ({@code kafka.*}, {@code Camel*}) are not written, so not counted.
     */
    static long sizeOf(Message message) {
        Object body = message.getBody();
        long size = body instanceof byte[] bytes ? bytes.length
                : body == null ? 0 : String.valueOf(body).getBytes(StandardCharsets.UTF_8).length;
        Object key = message.getHeader(KafkaConstants.KEY);
        size += key instanceof byte[] bytes ? bytes.length : key == null ? 0 : String.valueOf(key).length();
        for (Map.Entry<String, Object> header : message.getHeaders().entrySet()) {
            String name = header.getKey();
            if (name.startsWith("kafka.") || name.startsWith("Camel") || name.startsWith("camel")) {
                continue;
            }
            Object value = header.getValue();
            size += name.length() + (value instanceof byte[] bytes ? bytes.length
                    : value == null ? 0 : String.valueOf(value).length());
        }
        return size;
    }
}
