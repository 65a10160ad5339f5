package fr.referralhub.state;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.identity.PersonPseudonymizer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads of the referral state, answered by the instance that owns the referral's partition: from this instance's
 * store when it is the owner, otherwise over HTTP from the owner named by the group's metadata (interactive queries),
 * signed ({@link PeerSignature}). Whichever instance a request lands on, the answer is the owner's, so it is the same.
 *
 * <p>While partitions move (an instance joined, left or died), the owner may be unknown or still restoring: the read
 * is retried for a few seconds, then fails as an outage (503 to an HTTP caller, who retries).
 */
@Component
public class ReferralStateReads {

    /** Where an instance answers its peers' reads ({@link ReferralStatePeerController}). */
    static final String PEER_PATH = "/internal/v1/referral-state/referrals/";
    private static final Duration RETRY_FOR = Duration.ofSeconds(8);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(ReferralStateReads.class);

    private final ReferralState state;
    private final PeerSignature signature;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Counter localReads;
    private final Counter peerReads;

    public ReferralStateReads(ReferralState state, PersonPseudonymizer pseudonymizer, Clock clock, MeterRegistry meters) {
        this.state = state;
        this.localReads = Counter.builder("hub.referral-state.reads").tag("answered-by", "this-instance")
                .description("Reads of the referral state, by who answered: this instance's store or the owner's")
                .register(meters);
        this.peerReads = Counter.builder("hub.referral-state.reads").tag("answered-by", "owner-instance")
                .description("Reads of the referral state, by who answered: this instance's store or the owner's")
                .register(meters);
        this.signature = new PeerSignature(pseudonymizer.derivedKey("referral-state-peers"), clock);
    }

    PeerSignature signature() {
        return signature;
    }

    /** What the referral state knows of the referral (referrer, cancelled, statuses); empty for one it does not know. */
    public Optional<ReferralSummary> summary(String referralId) {
        long deadline = System.nanoTime() + RETRY_FOR.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                return summaryOnce(referralId);
            } catch (InvalidStateStoreException | OwnerUnavailable e) {
                // Partitions are moving: ask the metadata again in a moment.
                last = e;
                pause();
            }
        }
        throw new TimeoutException("The referral state of " + referralId + " is moving between hub instances; retry"
                + " in a few seconds (" + (last == null ? "no answer" : last.getMessage()) + ")");
    }

    private Optional<ReferralSummary> summaryOnce(String referralId) {
        KafkaStreams streams = state.streams();
        if (streams == null) {
            throw new OwnerUnavailable("the referral state is not running on this instance");
        }
        KeyQueryMetadata owner = streams.queryMetadataForKey(ReferralStateTopology.LEDGER_STORE, referralId,
                Serdes.String().serializer());
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new OwnerUnavailable("no instance owns the partition of " + referralId + " yet");
        }
        if (owner.activeHost().equals(state.self())) {
            Optional<ReferralSummary> summary = local(referralId, owner.partition());
            localReads.increment();
            return summary;
        }
        Optional<ReferralSummary> summary = remote(owner.activeHost(), referralId);
        peerReads.increment();
        return summary;
    }

    /** From this instance's store, if it owns the partition (else {@link InvalidStateStoreException}: ask again). */
    Optional<ReferralSummary> local(String referralId, Integer partition) {
        KafkaStreams streams = state.streams();
        if (streams == null) {
            throw new OwnerUnavailable("the referral state is not running on this instance");
        }
        StoreQueryParameters<ReadOnlyKeyValueStore<String, byte[]>> query = StoreQueryParameters.fromNameAndType(
                ReferralStateTopology.LEDGER_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore());
        if (partition != null) {
            query = query.withPartition(partition);
        }
        byte[] stored = streams.store(query).get(referralId);
        if (stored == null) {
            return Optional.empty();
        }
        LedgerEntry entry = LedgerEntry.fromJson(stored);
        StoreQueryParameters<ReadOnlyKeyValueStore<String, byte[]>> lines = StoreQueryParameters.fromNameAndType(
                ReferralStateTopology.TIMELINE_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore());
        if (partition != null) {
            lines = lines.withPartition(partition);
        }
        return Optional.of(ReferralSummary.of(referralId, entry,
                TimelineStore.lines(streams.store(lines), referralId, entry.history())));
    }

    /** This instance's own partition of a key, or null when it does not own it as the active task. */
    Integer ownPartition(String referralId) {
        KafkaStreams streams = state.streams();
        if (streams == null) {
            return null;
        }
        KeyQueryMetadata owner = streams.queryMetadataForKey(ReferralStateTopology.LEDGER_STORE, referralId,
                Serdes.String().serializer());
        return owner != null && owner.activeHost().equals(state.self()) ? owner.partition() : null;
    }

    private Optional<ReferralSummary> remote(HostInfo owner, String referralId) {
        String path = PEER_PATH + URLEncoder.encode(referralId, StandardCharsets.UTF_8);
        String[] signed = signature.sign("GET", path);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + owner.host() + ":" + owner.port() + path))
                .timeout(Duration.ofSeconds(5))
                .header(PeerSignature.TIME_HEADER, signed[0])
                .header(PeerSignature.SIGNATURE_HEADER, signed[1])
                .GET().build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new OwnerUnavailable("the owner " + owner + " does not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("Interrupted while reading the referral state from " + owner);
        }
        int status = response.statusCode();
        if ((status == 200 || status == 404) && !signature.verifyAnswer(signed[1], status, response.body(),
                response.headers().firstValue(PeerSignature.ANSWER_SIGNATURE_HEADER).orElse(null))) {
            log.warn("The answer {} from {} to the read of referral {} is not signed by a hub instance: ignored",
                    status, owner, referralId);
            throw new OwnerUnavailable("the answer of " + owner + " is not signed by a hub instance");
        }
        return switch (status) {
            case 200 -> Optional.of(read(referralId, response.body()));
            case 404 -> Optional.empty();
            // 421: that instance no longer owns the partition (it moved since we asked the metadata).
            default -> throw new OwnerUnavailable("the owner " + owner + " answered " + response.statusCode());
        };
    }

    private static ReferralSummary read(String referralId, byte[] json) {
        ReferralSummary summary;
        try {
            summary = JSON.readValue(json, ReferralSummary.class);
        } catch (IOException e) {
            throw new OwnerUnavailable("unreadable answer of the owner: " + e.getMessage());
        }
        if (!referralId.equals(summary.referralId())) {
            throw new OwnerUnavailable("the owner answered for another referral");
        }
        return summary;
    }

    /** A summary as the owner sends it ({@link ReferralStatePeerController}), in the form {@link #read} takes. */
    static byte[] write(ReferralSummary summary) {
        try {
            return JSON.writeValueAsBytes(summary);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write the summary of referral " + summary.referralId(), e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("Interrupted while the referral state was moving");
        }
    }

    /** The owner of a key cannot answer now; the metadata is asked again. */
    static final class OwnerUnavailable extends RuntimeException {
        OwnerUnavailable(String message) {
            super(message);
        }
    }
}
