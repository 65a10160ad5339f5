package fr.referralhub.operations;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.annotation.JsonInclude;
import fr.referralhub.kafka.DeadLetterCipher;
import fr.referralhub.operations.DeadLetter.ReplayState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.stereotype.Component;

/**
 * What operators do with dead letters, whatever the channel (HTTP or JMX): list metadata, inspect an original
 * (audited before it is shown), replay (audited). Role checks belong to the channels.
 */
@Component
public class DeadLetterOperations {

    public static final int MAX_LIMIT = 500;

    private final DeadLetterStore store;
    private final DeadLetterReplay replay;
    private final DeadLetterCipher cipher;
    private final OperatorAudit audit;
    private final ParkedRecordStore parked;

    DeadLetterOperations(DeadLetterStore store, DeadLetterReplay replay, DeadLetterCipher cipher,
                         OperatorAudit audit, ParkedRecordStore parked) {
        this.parked = parked;
        this.store = store;
        this.replay = replay;
        this.cipher = cipher;
        this.audit = audit;
    }

    /** Which dead letters to list; a null field matches everything. */
    public record Filter(String route, String topic, String partnerId) {
        public static final Filter ALL = new Filter(null, null, null);

        boolean matchesEverything() {
            return route == null && topic == null && partnerId == null;
        }

        Predicate<DeadLetter> asPredicate() {
            return d -> (route == null || route.equals(d.source().route()))
                    && (topic == null || topic.equals(d.source().topic()))
                    && (partnerId == null || partnerId.equals(d.source().partnerId()));
        }
    }

    /**
     * A page of dead letters, newest first.
     *
     * @param next   pass it as {@code before} for the next page; null when there is none
     * @param total  dead letters on the topic matching the filter (all of them without one)
     * @param parked on the first page only: records skipped because not even their dead letter could be written
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Listing(String topic, long total, int limit, List<DeadLetter> items, String next,
                          Parked parked) {
    }

    /**
     * The parked section of a listing.
     *
     * @param total  records parked, as the topic still holds them
     * @param latest the newest ones, newest first (at most {@value ParkedRecordStore#SHOWN})
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Parked(String topic, long total, List<ParkedRecord> latest) {
    }

    /**
     * One parked record: where to find it, how big it was, why it was refused and why its dead letter failed. No
     * content: its digest stays encrypted on the topic.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ParkedRecord(String origin, Instant parkedAt, String route, String topic, String partition,
                               String offset, Long bytes, String reason, String failure) {
    }

    /**
     * An inspected dead letter: its metadata and its original.
     *
     * @param original the original bytes: {@code text} when they are UTF-8, else {@code base64}
     */
    public record Inspection(DeadLetter deadLetter, Original original, String inspectedBy, Instant inspectedAt) {
    }

    /** @param key the original record's key (a landlord's record key, a file row's {@code folder/file#row}...) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Original(String key, int bytes, String encoding, String text, String base64) {
    }

    /** The original cannot be decrypted with this instance's key (another key, or altered): 409. */
    public static class Undecryptable extends RuntimeException {
        Undecryptable(String message) {
            super(message);
        }
    }

    public Listing list(int limit, String before, Filter filter) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit: expected 1 to " + MAX_LIMIT);
        }
        Predicate<DeadLetter> matches = filter.asPredicate();
        Predicate<ConsumerRecord<String, byte[]>> matchingRecords =
                record -> matches.test(DeadLetter.of(record, false, null));
        DeadLetterStore.Page page = store.list(limit, before, matchingRecords);
        Map<String, ReplayState> replays = page.records().isEmpty() ? Map.of() : audit.replays();
        List<DeadLetter> items = page.records().stream().map(record -> describe(record, replays)).toList();
        // The page's total is the topic's; a filtered listing counts what matches (?route=nosuch: 0, not the topic's).
        long total = filter.matchesEverything() ? page.total() : store.count(matchingRecords);
        return new Listing(store.topic(), total, limit, items, page.next(), before == null ? parked.newest() : null);
    }

    public long count() {
        return store.count();
    }

    /**
     * The dead letter with its original decrypted. The inspection is audited first: if the audit cannot be stored,
     * nothing is shown ({@link OperatorAudit.AuditUnavailable}).
     */
    public Inspection inspect(String id, String actor, String channel) {
        ConsumerRecord<String, byte[]> record = store.find(id).orElseThrow(() -> new DeadLetterNotFound(id));
        DeadLetter metadata = describe(record, audit.replays());
        byte[] original;
        try {
            original = cipher.decrypt(record.value());
        } catch (IllegalArgumentException e) {
            throw new Undecryptable(e.getMessage());
        }
        audit.inspected(actor, channel, id);
        return new Inspection(metadata, original(record.key(), original), actor, Instant.now());
    }

    public DeadLetterReplay.Result replay(String id, String actor, String channel) {
        return replay.replay(id, actor, channel);
    }

    private DeadLetter describe(ConsumerRecord<String, byte[]> record, Map<String, ReplayState> replays) {
        DeadLetter metadata = DeadLetter.of(record, replay.isReplayable(record), replay.untrusted(record).orElse(null));
        ReplayState state = replays.get(metadata.id());
        return state == null ? metadata : metadata.withReplay(state);
    }

    private static Original original(String key, byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return new Original(key, bytes.length, "UTF-8", text, null);
        } catch (CharacterCodingException notText) {
            return new Original(key, bytes.length, "base64", null, Base64.getEncoder().encodeToString(bytes));
        }
    }
}
