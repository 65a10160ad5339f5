package fr.referralhub.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@value ReferralStateTopology#TIMELINE_STORE} store: one entry per line of a referral's timeline, under
 * {@code <referral id> NUL <hash of the record's own id, hex> NUL <kind>}. A line is added without reading or
 * rewriting the referral's ledger entry, so a feedback costs one small write however long the referral's history is,
 * and the record read twice (the same id and kind) finds its key taken and adds nothing.
 *
 * <p>The NUL separator cannot occur in a referral id the hub makes, so one referral's prefix never takes in another's
 * lines. Lines are kept as JSON, readable on the changelog topic; unknown fields are ignored during a rolling upgrade.
 */
final class TimelineStore {

    private static final Logger log = LoggerFactory.getLogger(TimelineStore.class);

    /**
     * Lines a timeline read answers at most, oldest first: a referral has a dozen (events, decisions, deliveries,
     * statuses); the cap keeps one answer bounded whatever was written.
     */
    static final int MAX_LINES = 500;

    private static final char SEPARATOR = '\u0000';
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final StringSerializer KEYS = new StringSerializer();

    /**
     * Referrers' events first when times are equal, then feedback in the order the hub writes it; then the record id,
     * so that every instance and every read gives the same order.
     */
    private static final List<String> KIND_ORDER = List.of(TimelineEntry.CREATED, TimelineEntry.UPDATED,
            TimelineEntry.CANCELLED, TimelineEntry.DECISION, TimelineEntry.HELD_NOT_INFORMED, TimelineEntry.DELIVERED,
            TimelineEntry.STATUS_CHANGED, TimelineEntry.REMINDER, TimelineEntry.EXPIRED);
    static final Comparator<TimelineEntry> ORDER = Comparator.comparingLong(TimelineEntry::atMillis)
            .thenComparingInt(TimelineStore::kindRank).thenComparingLong(TimelineEntry::sourceId);

    private TimelineStore() {
    }

    /** Adds the line unless the same record is already there; true if it was added. */
    static boolean add(KeyValueStore<String, byte[]> store, String referralId, TimelineEntry line) {
        String key = prefix(referralId) + Long.toHexString(line.sourceId()) + SEPARATOR + line.what();
        if (store.get(key) != null) {
            return false;
        }
        try {
            store.put(key, JSON.writeValueAsBytes(line));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }

    /**
     * The referral's timeline in time order, at most {@link #MAX_LINES}: its lines in the store, and those an entry
     * written by an earlier version of the hub still holds.
     */
    static List<TimelineEntry> lines(ReadOnlyKeyValueStore<String, byte[]> store, String referralId,
                                     List<TimelineEntry> fromEntry) {
        // Keyed by record and kind: a line in both places is shown once.
        Map<String, TimelineEntry> lines = new LinkedHashMap<>();
        fromEntry.forEach(line -> lines.putIfAbsent(line.sourceId() + line.what(), line));
        try (KeyValueIterator<String, byte[]> found = store.prefixScan(prefix(referralId), KEYS)) {
            while (found.hasNext()) {
                KeyValue<String, byte[]> next = found.next();
                try {
                    TimelineEntry line = JSON.readValue(next.value, TimelineEntry.class);
                    lines.putIfAbsent(line.sourceId() + line.what(), line);
                } catch (IOException e) {
                    // One damaged line must not hide the rest of the timeline.
                    log.error("Referral timeline: a line of referral {} cannot be read, it is left out: {}",
                            referralId, e.toString());
                }
            }
        }
        List<TimelineEntry> ordered = new ArrayList<>(lines.values());
        ordered.sort(ORDER);
        return ordered.size() > MAX_LINES ? List.copyOf(ordered.subList(0, MAX_LINES)) : ordered;
    }

    /** Drops every line of the referral (DOMAIN.md: 730 days after its last activity). */
    static void forget(KeyValueStore<String, byte[]> store, String referralId) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> found = store.prefixScan(prefix(referralId), KEYS)) {
            found.forEachRemaining(next -> keys.add(next.key));
        }
        keys.forEach(store::delete);
    }

    private static String prefix(String referralId) {
        return referralId + SEPARATOR;
    }

    private static int kindRank(TimelineEntry line) {
        if (line.isReferrersEvent()) {
            return -1;
        }
        int rank = KIND_ORDER.indexOf(line.what());
        return rank < 0 ? KIND_ORDER.size() : rank;
    }
}
