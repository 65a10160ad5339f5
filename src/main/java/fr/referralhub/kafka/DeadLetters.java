package fr.referralhub.kafka;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import fr.referralhub.topics.RecordHeaders;
import fr.referralhub.topics.TopicCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Dead letters of intake and consuming routes: an input that cannot be processed goes, exactly as it came (original
 * key and bytes, encrypted), to the dead-letter topic, with why, where and when in Kafka Connect's
 * {@code __connect.errors.*} headers so operators and existing tooling read it the same way.
 *
 * <p>The original bytes may hold a NIR: they are stored encrypted ({@link DeadLetterCipher}), never in clear.
 *
 * <p>No record may block its partition, so writing a dead letter is bounded: a record too big to copy whole
 * ({@link TopicCatalog#DEAD_LETTER_COPY_LIMIT}, or refused as {@link OversizedRecordException}) gets a dead letter
 * with its encrypted SHA-256 digest, size and origin only ({@value #ORIGINAL} {@code DIGEST}); a whole copy the
 * dead-letter topic refuses is tried once more as a digest; and a record whose digest is refused too, or whose dead
 * letter fails on an outage {@value #MAX_OUTAGE_ATTEMPTS} times in a row, is parked ({@link RecordParking}).
 */
@Component("deadLetters")
public class DeadLetters {

    /** Header: how the value is encrypted ({@value DeadLetterCipher#ALGORITHM}). */
    public static final String ENCRYPTION = "hub.dead-letter.encryption";
    /** Header: id of the key that decrypts the value ({@link DeadLetterCipher#keyId()}). */
    public static final String KEY_ID = "hub.dead-letter.key-id";
    /** Header of a dead letter from a dropped file: the file name, as the partner named it. */
    public static final String FILE_NAME = "__connect.errors.file.name";
    /** Header of a dead letter from a dropped file: the row number as a spreadsheet shows it (the header is row 1). */
    public static final String FILE_ROW = "__connect.errors.file.row";

    /**
     * Header of a dead letter from a dropped file: the file's header row (column names only, no personal data),
     * without which the row cannot be read again when it is replayed.
     */
    public static final String FILE_HEADER = "__connect.errors.file.header";

    /** Header: every reason an input was refused (the exception message only has the first). */
    public static final String REASONS = "hub.dead-letter.reasons";

    /**
     * Header: {@code WHOLE} when the value is the encrypted original, {@code DIGEST} when the original was too big to
     * copy and the value is the encrypted {@code sha256:<hex>} of it (such a dead letter cannot be replayed).
     */
    public static final String ORIGINAL = "hub.dead-letter.original";
    /** Header: the size in bytes of the original value. */
    public static final String ORIGINAL_BYTES = "hub.dead-letter.original-bytes";
    public static final String WHOLE = "WHOLE";
    public static final String DIGEST = "DIGEST";

    /** Consecutive outages writing one record's dead letter after which it is parked rather than consumed again. */
    static final int MAX_OUTAGE_ATTEMPTS = 3;

    /** Counter of dead letters written, by route ({@code hub.dead.letters_total} on /actuator/prometheus). */
    public static final String METRIC = "hub.dead.letters";

    /** Exchange property: the route whose processing failed. */
    static final String FAILED_ROUTE = "hubFailedRoute";
    /** Exchange property: write no stack trace (a digest-only dead letter stays small whatever failed). */
    private static final String WITHOUT_TRACE = "hubDeadLetterWithoutTrace";
    private static final String WRITER = "direct:dead-letter";
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final ProducerTemplate producer;
    private final DeadLetterCipher cipher;
    private final MeterRegistry meters;
    private final RecordParking parking;
    /** Per origin ({@code topic/partition@offset}), outages met writing its dead letter in a row, in this instance. */
    private final Map<String, Integer> outages = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > 1000;
        }
    });

    public DeadLetters(ProducerTemplate producer, DeadLetterCipher cipher, MeterRegistry meters,
                       RecordParking parking) {
        this.producer = producer;
        this.cipher = cipher;
        this.meters = meters;
        this.parking = parking;
    }

    /**
     * Dead-letters one consumed record and returns once the dead letter (or, failing that, its parked entry) is
     * acknowledged. An outage is thrown, never swallowed: the caller's batch then fails and is consumed again, so the
     * record is not lost; only the same record failing again and again is parked.
     */
    public void send(Exchange record, String routeId, Exception cause) {
        Message message = record.getMessage();
        String origin = message.getHeader(KafkaConstants.TOPIC) + "/" + message.getHeader(KafkaConstants.PARTITION)
                + "@" + message.getHeader(KafkaConstants.OFFSET);
        log.warn("Dead-lettering record {} from route {}: {}", origin, routeId, cause.toString());
        long bytes = OversizedRecordException.sizeOf(message);
        byte[] digest = sha256(message.getBody(byte[].class));
        List<Exchange> attempts = cause instanceof OversizedRecordException || bytes > TopicCatalog.DEAD_LETTER_COPY_LIMIT
                ? List.of(digestOnly(record, routeId, cause, bytes, digest))
                // A whole copy the dead-letter topic refuses (its limit set lower than the catalogue's, headers the
                // estimate missed) is tried once more as a digest.
                : List.of(whole(record, routeId, cause, bytes), digestOnly(record, routeId, cause, bytes, digest));
        Exception failure = null;
        for (Exchange attempt : attempts) {
            producer.send(WRITER, attempt);
            failure = attempt.getException();
            if (failure == null) {
                outages.remove(origin);
                counted(routeId);
                return;
            }
            if (Outages.isTransient(failure)) {
                break;
            }
            log.warn("The dead letter of record {} was refused: {}", origin, failure.toString());
        }
        if (Outages.isTransient(failure) && (message.getHeader(KafkaConstants.TOPIC) == null
                || outages.merge(origin, 1, Integer::sum) < MAX_OUTAGE_ATTEMPTS)) {
            throw new IllegalStateException("Could not write a dead letter; the batch will be consumed again", failure);
        }
        parking.park(record, routeId, cause, failure, bytes, digest);
        outages.remove(origin);
    }

    /** The record as it came (a copy: the writer encrypts the body in place), for a dead letter of it whole. */
    private static Exchange whole(Exchange record, String routeId, Exception cause, long bytes) {
        Exchange copy = record.copy();
        copy.setException(null);
        copy.getMessage().setHeader(ORIGINAL, WHOLE);
        copy.getMessage().setHeader(ORIGINAL_BYTES, String.valueOf(bytes));
        copy.setProperty(Exchange.EXCEPTION_CAUGHT, cause);
        copy.setProperty(FAILED_ROUTE, routeId);
        return copy;
    }

    /**
     * A dead letter that keeps what identifies the record (origin, size, encrypted digest, reasons, partner), not its
     * bytes, key or headers, whatever their size: the smallest dead letter there is.
     */
    private Exchange digestOnly(Exchange record, String routeId, Exception cause, long bytes, byte[] digest) {
        Message original = record.getMessage();
        Exchange exchange = newExchange();
        Message message = exchange.getMessage();
        message.setBody(digestBody(digest));
        Object key = original.getHeader(KafkaConstants.KEY);
        if (key instanceof String text && text.length() <= 256) {
            message.setHeader(KafkaConstants.KEY, text);
        }
        for (String name : List.of(KafkaConstants.TOPIC, KafkaConstants.PARTITION, KafkaConstants.OFFSET,
                RecordHeaders.PARTNER_ID, FILE_NAME, FILE_ROW)) {
            Object value = original.getHeader(name);
            if (value != null) {
                message.setHeader(name, value instanceof byte[] raw ? new String(raw, StandardCharsets.UTF_8) : value);
            }
        }
        String reasons = cause instanceof OversizedRecordException ? "(record) " + cause.getMessage()
                : original.getHeader(REASONS, String.class);
        if (reasons != null) {
            message.setHeader(REASONS, shortened(reasons));
        }
        message.setHeader(ORIGINAL, DIGEST);
        message.setHeader(ORIGINAL_BYTES, String.valueOf(bytes));
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, cause);
        exchange.setProperty(FAILED_ROUTE, routeId);
        exchange.setProperty(WITHOUT_TRACE, true);
        return exchange;
    }

    /** The value of a dead letter that keeps only the digest of its original (encrypted by the writer, like any). */
    private static byte[] digestBody(byte[] digest) {
        return ("sha256:" + HexFormat.of().formatHex(digest)).getBytes(StandardCharsets.UTF_8);
    }

    /** Reasons of a digest-only dead letter: the smallest dead letter there is, whatever the reasons' length. */
    private static String shortened(String reasons) {
        return reasons.length() > 2000 ? reasons.substring(0, 2000) : reasons;
    }

    private static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value == null ? new byte[0] : value);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /**
     * An empty exchange for {@link #send}, for a caller outside Camel's routes that has a record to dead-letter
     * (the webhook sender): such a caller does not depend on the CamelContext itself, which as a Spring lifecycle
     * dependency would be started before its routes are loaded.
     */
    public Exchange newExchange() {
        return new DefaultExchange(producer.getCamelContext());
    }

    /**
     * Dead-letters one row of a dropped file (a source that is not a Kafka record) and returns once it is
     * acknowledged; a failure is thrown so the file is not marked processed and is read again. A row too big to copy
     * into a dead letter (nothing limits a row but its file's 20 MiB), or whose copy the topic refuses, is
     * dead-lettered as its digest, like an oversized record: otherwise the refusal would fail its file at every poll.
     *
     * @param key        record key; must not hold personal data (e.g. partner id and file name)
     * @param partnerId  the partner whose folder the file was dropped in (header {@link RecordHeaders#PARTNER_ID})
     * @param headerLine the file's header row, kept so that the row can be read again on a replay
     * @param reasons    why the row was refused, all of them; must not repeat cell values (a misplaced value may be a NIR)
     */
    public void sendFileRow(String routeId, String key, String partnerId, String fileName, int row, String headerLine,
                            byte[] original, Exception cause, String reasons) {
        log.warn("Dead-lettering row {} of file {} from route {}: {}", row, fileName, routeId, cause.getMessage());
        long bytes = original.length;
        Exception failure = null;
        if (bytes + headerLine.length() * 3L + reasons.length() * 3L <= TopicCatalog.DEAD_LETTER_COPY_LIMIT) {
            failure = sendFileRow(routeId, key, partnerId, fileName, row, cause, WHOLE, bytes, original, headerLine,
                    reasons);
            if (failure == null) {
                counted(routeId);
                return;
            }
            if (Outages.isTransient(failure)) {
                throw new IllegalStateException("Could not write the dead letter of row " + row + " of " + fileName,
                        failure);
            }
            log.warn("The dead letter of row {} of {} was refused, written as its digest: {}", row, fileName,
                    failure.toString());
        }
        failure = sendFileRow(routeId, key, partnerId, fileName, row, cause, DIGEST, bytes,
                digestBody(sha256(original)), null, shortened(reasons));
        if (failure != null) {
            throw new IllegalStateException("Could not write the dead letter of row " + row + " of " + fileName,
                    failure);
        }
        counted(routeId);
    }

    /** One attempt: the failure, or null once acknowledged. {@code headerLine} null for a digest (never replayed). */
    private Exception sendFileRow(String routeId, String key, String partnerId, String fileName, int row,
                                  Exception cause, String original, long originalBytes, byte[] body, String headerLine,
                                  String reasons) {
        return producer.send(WRITER, exchange -> {
            Message message = exchange.getMessage();
            message.setBody(body);
            message.setHeader(KafkaConstants.KEY, key);
            message.setHeader(FILE_NAME, fileName);
            message.setHeader(FILE_ROW, String.valueOf(row));
            if (headerLine != null) {
                message.setHeader(FILE_HEADER, headerLine);
            }
            message.setHeader(RecordHeaders.PARTNER_ID, partnerId);
            message.setHeader(REASONS, reasons);
            message.setHeader(ORIGINAL, original);
            message.setHeader(ORIGINAL_BYTES, String.valueOf(originalBytes));
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, cause);
            exchange.setProperty(FAILED_ROUTE, routeId);
        }).getException();
    }

    /** Counted once acknowledged: the metric says what is really on the topic. */
    private void counted(String routeId) {
        counter(routeId).increment();
    }

    /**
     * A route or step that may write dead letters: its series exists from now at 0. A counter born at its first dead
     * letter shows Prometheus no increase, so the alert DeadLettersWritten would miss the first one after a restart.
     */
    public void expect(String routeId) {
        counter(routeId);
    }

    /** A consumer outside Camel's routes, reading these topics: its dead letters and parked records from 0. */
    public void expect(String routeId, Collection<String> topics) {
        expect(routeId);
        parking.expect(routeId, topics);
    }

    /** The Camel routes that consume records or files, the ones that dead-letter what they cannot process. */
    @EventListener(ApplicationReadyEvent.class)
    void expectConsumingRoutes() {
        for (Route route : producer.getCamelContext().getRoutes()) {
            String uri = route.getEndpoint().getEndpointUri();
            if (uri.startsWith("kafka:") || uri.startsWith("file:")) {
                expect(route.getRouteId());
            }
        }
    }

    private Counter counter(String routeId) {
        return Counter.builder(METRIC).description("Dead letters written, by the route whose processing failed")
                .tag("route", String.valueOf(routeId)).register(meters);
    }

    /**
     * Route step of {@code dead-letter-writer}: encrypts the original bytes and adds the {@code __connect.errors.*}
     * headers. Kafka coordinates are only set for a consumed record; other sources set their own before.
     */
    public void describe(Exchange exchange) {
        Message message = exchange.getMessage();
        message.setBody(cipher.encrypt(message.getBody(byte[].class)));
        String topic = message.getHeader(KafkaConstants.TOPIC, String.class);
        Map<String, String> headers = errorHeaders(topic, String.valueOf(message.getHeader(KafkaConstants.PARTITION)),
                String.valueOf(message.getHeader(KafkaConstants.OFFSET)), exchange.getProperty(FAILED_ROUTE, String.class),
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        if (exchange.getProperty(WITHOUT_TRACE, false, Boolean.class)) {
            headers.put("__connect.errors.exception.stacktrace", "");
            headers.computeIfPresent("__connect.errors.exception.message",
                    (name, text) -> text.length() > 1000 ? text.substring(0, 1000) : text);
        }
        headers.forEach(message::setHeader);
    }

    /**
     * A dead letter written by a Kafka Streams step (the referral state) in its own transaction rather than by the
     * {@code dead-letter-writer} route: the same encrypted value and headers, counted the same way.
     *
     * @param sourceTopic where the original record is published (it has no offset yet: it is in the same transaction)
     * @param headers     the original record's headers, kept
     */
    public Sealed seal(String sourceTopic, byte[] original, Map<String, String> headers, String failedStep,
                       Throwable cause) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putAll(errorHeaders(sourceTopic, null, null, failedStep, cause));
        counted(failedStep);
        return new Sealed(cipher.encrypt(original), all);
    }

    /** A dead letter's value (the original bytes, encrypted) and headers. */
    public record Sealed(byte[] value, Map<String, String> headers) {
    }

    private Map<String, String> errorHeaders(String topic, String partition, String offset, String failedRoute,
                                             Throwable cause) {
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(ENCRYPTION, DeadLetterCipher.ALGORITHM);
        headers.put(KEY_ID, cipher.keyId());
        if (topic != null) {
            headers.put("__connect.errors.topic", topic);
            if (partition != null) {
                headers.put("__connect.errors.partition", partition);
                headers.put("__connect.errors.offset", offset);
            }
        }
        headers.put("__connect.errors.stage", "HUB_ROUTE");
        headers.put("__connect.errors.connector.name", String.valueOf(failedRoute));
        headers.put("__connect.errors.exception.class.name", root == null ? "unknown" : root.getClass().getName());
        headers.put("__connect.errors.exception.message", root == null ? "unknown" : String.valueOf(root.getMessage()));
        headers.put("__connect.errors.exception.stacktrace", stackTrace(cause));
        headers.put("__connect.errors.timestamp", Instant.now().toString());
        return headers;
    }

    private static String stackTrace(Throwable cause) {
        if (cause == null) {
            return "";
        }
        StringWriter out = new StringWriter();
        cause.printStackTrace(new PrintWriter(out));
        String trace = out.toString();
        // Headers are not a log store: keep the top of the trace.
        return trace.length() > 4000 ? trace.substring(0, 4000) : trace;
    }
}
