package fr.referralhub.provenance;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import fr.referralhub.identity.PersonPseudonymizer;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.topics.RecordHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Signs the records the hub writes and tells its consumers which records to refuse (see the package description).
 * The signature covers the topic (a record copied to another topic is refused), the key and value bytes, and the
 * {@code hub.*} and {@code __connect.errors.*} headers in their order: what consumers act on (a webhook's lane, a
 * partner id; a dead letter's route, origin and exception, which decide whether it may be replayed). Other headers
 * (tracing) are not the hub's promise.
 */
@Component
public class RecordProvenance {

    /** The header holding the signature (32 bytes). */
    public static final String HEADER = "hub.provenance";
    /** Counted per consumer (a route or processor name, a bounded set), never per topic or partner id. */
    public static final String REFUSED_METRIC = "hub.provenance.refused";

    private static final Logger log = LoggerFactory.getLogger(RecordProvenance.class);
    /** The headers the signature covers, by prefix: the hub's own, and a dead letter's Kafka Connect ones. */
    private static final String HUB_HEADERS = "hub.";
    private static final String DEAD_LETTER_HEADERS = "__connect.errors.";
    /** Refusals {@link #checkEachOnce} still remembers; beyond, it forgets them all and counts them again. */
    private static final int REMEMBERED_REFUSALS = 10_000;

    private final SecretKeySpec key;
    /**
     * One MAC per thread, made once: looking up and keying a Mac for each record (every record the hub writes and
     * every one it reads) took a good part of the referral state's throughput.
     */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);
    private final PartnerRegistry partners;
    private final MeterRegistry meters;
    /** Where the records {@link #checkEachOnce} refused are: {@code consumer topic-partition@offset}. */
    private final Set<String> refusedAlready = ConcurrentHashMap.newKeySet();

    @Autowired
    public RecordProvenance(PersonPseudonymizer pseudonymizer, PartnerRegistry partners, MeterRegistry meters) {
        this(pseudonymizer.derivedKey("kafka-record-provenance"), partners, meters);
    }

    public RecordProvenance(byte[] key, PartnerRegistry partners, MeterRegistry meters) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.partners = partners;
        this.meters = meters;
    }

    /**
     * Registers a consumer's refusal counter at 0, so that it exists from start-up: Prometheus sees no increase in a
     * counter born at its first refusal, and the alert on it would miss the first forged record after a restart.
     */
    public void expect(String consumer) {
        refusals(consumer);
    }

    /** Adds the record's signature to its headers (a signature it already had, copied from its input, is replaced). */
    public void sign(String topic, byte[] recordKey, byte[] value, Headers headers) {
        headers.remove(HEADER);
        headers.add(HEADER, mac(topic, recordKey, value, headers));
    }

    /**
     * Why a record read from a hub topic must not be used: not signed by the hub, signed for other content, or naming
     * a partner ({@code hub.partner-id}) the registry does not know. Empty when it may be used.
     */
    public Optional<String> refusal(String topic, byte[] recordKey, byte[] value, Headers headers) {
        Header signature = headers.lastHeader(HEADER);
        if (signature == null || signature.value() == null) {
            return Optional.of("not written by the hub: no " + HEADER + " header");
        }
        if (!MessageDigest.isEqual(signature.value(), mac(topic, recordKey, value, headers))) {
            return Optional.of("not written by the hub: its " + HEADER + " signature does not match the record");
        }
        Header partner = headers.lastHeader(RecordHeaders.PARTNER_ID);
        if (partner != null && partner.value() != null) {
            String partnerId = new String(partner.value(), StandardCharsets.UTF_8);
            if (partners.find(partnerId).isEmpty()) {
                return Optional.of("partner '" + partnerId + "' is not in the partner registry");
            }
        }
        return Optional.empty();
    }

    /** {@link #refusal(String, byte[], byte[], Headers)} for a record whose key was read as a UTF-8 string. */
    public Optional<String> refusal(String topic, String recordKey, byte[] value, Headers headers) {
        return refusal(topic, recordKey == null ? null : recordKey.getBytes(StandardCharsets.UTF_8), value, headers);
    }

    /**
     * What a consumer asks of each record it reads: {@link #refusal}, and a refused record counted
     * ({@value #REFUSED_METRIC}{consumer}) and logged by where it was, never by its content.
     */
    public Optional<String> check(String consumer, String topic, int partition, long offset, String recordKey,
                                  byte[] value, Headers headers) {
        Optional<String> refusal = refusal(topic, recordKey, value, headers);
        refusal.ifPresent(reason -> refused(consumer, topic, partition, offset, reason));
        return refusal;
    }

    /**
     * {@link #check} for a reader that reads the same records again and again (an operator's listing reads the topic
     * at each request): a refused record is counted and logged once per instance, not at each reading, so that the
     * count says how many records were forged, not how often operators looked.
     */
    public Optional<String> checkEachOnce(String consumer, ConsumerRecord<String, byte[]> record) {
        Optional<String> refusal = refusal(record.topic(), record.key(), record.value(), record.headers());
        refusal.ifPresent(reason -> {
            if (refusedAlready.size() >= REMEMBERED_REFUSALS) {
                refusedAlready.clear();
            }
            String where = record.topic() + "-" + record.partition() + "@" + record.offset();
            if (refusedAlready.add(consumer + " " + where)) {
                refused(consumer, record.topic(), record.partition(), record.offset(), reason);
            }
        });
        return refusal;
    }

    private void refused(String consumer, String topic, int partition, long offset, String reason) {
        refusals(consumer).increment();
        log.warn("{}: record {}-{}@{} refused: {}", consumer, topic, partition, offset, reason);
    }

    private Counter refusals(String consumer) {
        return Counter.builder(REFUSED_METRIC)
                .description("Records on a hub topic that the hub did not write (or for an unknown partner), refused")
                .tag("consumer", consumer).register(meters);
    }

    /** {@link #check} for a record a Camel route read from Kafka (headers kafka.TOPIC ... kafka.HEADERS, body bytes). */
    public Optional<String> check(String consumer, Message record) {
        Headers headers = record.getHeader(KafkaConstants.HEADERS, Headers.class);
        return check(consumer, record.getHeader(KafkaConstants.TOPIC, String.class),
                record.getHeader(KafkaConstants.PARTITION, -1, Integer.class),
                record.getHeader(KafkaConstants.OFFSET, -1L, Long.class),
                record.getHeader(KafkaConstants.KEY, String.class), record.getBody(byte[].class),
                headers == null ? new org.apache.kafka.common.header.internals.RecordHeaders() : headers);
    }

    /** {@link #check} for a record read by a plain consumer. */
    public Optional<String> check(String consumer, ConsumerRecord<String, byte[]> record) {
        return check(consumer, record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                record.headers());
    }

    private byte[] mac(String topic, byte[] recordKey, byte[] value, Headers headers) {
        Mac mac = macs.get();
        field(mac, topic.getBytes(StandardCharsets.UTF_8));
        field(mac, recordKey);
        field(mac, value);
        for (Header header : headers) {
            if (isSigned(header.key())) {
                field(mac, header.key().getBytes(StandardCharsets.UTF_8));
                field(mac, header.value());
            }
        }
        return mac.doFinal(); // and ready for the next record
    }

    private static boolean isSigned(String header) {
        return (header.startsWith(HUB_HEADERS) || header.startsWith(DEAD_LETTER_HEADERS)) && !header.equals(HEADER);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Length-prefixed (-1 for null), so that no two different records feed the same bytes to the MAC. */
    private static void field(Mac mac, byte[] bytes) {
        mac.update(ByteBuffer.allocate(4).putInt(bytes == null ? -1 : bytes.length).array());
        if (bytes != null) {
            mac.update(bytes);
        }
    }
}
