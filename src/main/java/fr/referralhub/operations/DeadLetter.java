package fr.referralhub.operations;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.annotation.JsonInclude;
import fr.referralhub.intake.SocialLandlordIntake;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.topics.RecordHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What operators see of a dead letter without the OPERATOR role: where it came from, why, when, which key encrypts
 * it, and whether it was replayed. Never its original bytes.
 *
 * @param id             stable id on the dead-letter topic: {@code <partition>-<offset>}
 * @param deadLetteredAt when it was written ({@code __connect.errors.timestamp}, else the record's timestamp)
 * @param reasons        every reason the input was refused, when the route knew them (no values in them)
 * @param keyId          id of the AES key that decrypts the original ({@code hub.dead-letter.key-id})
 * @param replayable     whether {@code POST .../replay} can re-submit it (route with a replay entry, key at hand)
 * @param untrusted      why this is not a dead letter of the hub's: it does not carry the hub's signature
 *                       ({@code fr.referralhub.provenance}), so nothing it says (route, origin, reasons) is the hub's
 *                       word and it is never replayed; null for the hub's own
 * @param replay         the last replay, from the audit topic; null if never replayed
 * @param original       {@code WHOLE}, or {@code DIGEST} when only the digest of an original too big to copy was
 *                       kept ({@code hub.dead-letter.original}; null for dead letters written before it existed)
 * @param originalBytes  the original's size, when written
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetter(String id, int partition, long offset, Instant deadLetteredAt, Source source,
                         String exceptionClass, String exceptionMessage, String reasons, String keyId,
                         boolean replayable, String untrusted, ReplayState replay, String original,
                         Long originalBytes) {

    /**
     * Where the input came from.
     *
     * @param route     the route whose processing failed ({@code __connect.errors.connector.name})
     * @param partnerId the partner who sent it, when known
     * @param topic     for a consumed record: its topic, partition and offset
     * @param file      for a row of a dropped file: the file name and row number (the header is row 1)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Source(String route, String partnerId, String topic, Integer partition, Long offset, String file,
                         Integer row) {
    }

    /** The last replay of a dead letter: by whom, when, with what outcome. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReplayState(String outcome, String by, Instant at, String channel, String referralId, int attempts) {
    }

    public static String idOf(int partition, long offset) {
        return partition + "-" + offset;
    }

    static DeadLetter of(ConsumerRecord<String, byte[]> record, boolean replayable, String untrusted) {
        String topic = header(record, "__connect.errors.topic");
        String partnerId = header(record, RecordHeaders.PARTNER_ID);
        if (partnerId == null && topic != null && topic.startsWith(SocialLandlordIntake.TOPIC_PREFIX)) {
            partnerId = topic.substring(SocialLandlordIntake.TOPIC_PREFIX.length());
        }
        Source source = new Source(route(record), partnerId, topic,
                number(header(record, "__connect.errors.partition"), Integer::valueOf),
                number(header(record, "__connect.errors.offset"), Long::valueOf),
                header(record, DeadLetters.FILE_NAME),
                number(header(record, DeadLetters.FILE_ROW), Integer::valueOf));
        return new DeadLetter(idOf(record.partition(), record.offset()), record.partition(), record.offset(),
                when(record), source, header(record, "__connect.errors.exception.class.name"),
                header(record, "__connect.errors.exception.message"), header(record, DeadLetters.REASONS),
                header(record, DeadLetters.KEY_ID), replayable, untrusted, null, header(record, DeadLetters.ORIGINAL),
                number(header(record, DeadLetters.ORIGINAL_BYTES), Long::valueOf));
    }

    DeadLetter withReplay(ReplayState state) {
        return new DeadLetter(id, partition, offset, deadLetteredAt, source, exceptionClass, exceptionMessage, reasons,
                keyId, replayable, untrusted, state, original, originalBytes);
    }

    static String route(ConsumerRecord<?, ?> record) {
        return header(record, "__connect.errors.connector.name");
    }

    static String header(ConsumerRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Instant when(ConsumerRecord<?, ?> record) {
        String written = header(record, "__connect.errors.timestamp");
        if (written != null) {
            try {
                return Instant.parse(written);
            } catch (DateTimeParseException ignored) {
                // Written by another tool: the broker's timestamp will do.
            }
        }
        return Instant.ofEpochMilli(record.timestamp());
    }

    private static <T> T number(String value, java.util.function.Function<String, T> parse) {
        try {
            return value == null || value.equals("null") ? null : parse.apply(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
