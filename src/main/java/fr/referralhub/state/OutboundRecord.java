package fr.referralhub.state;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;

/**
 * A record the referral state writes in the same transaction as the state change that caused it: a counselling record
 * to a service's topic or the webhook outbox, a feedback to a referrer, a notice. Written in the Confluent wire format
 * under its topic's subject.
 *
 * @param topic   where it goes (a service's or a partner's own topic, created beforehand by the caller)
 * @param key     its key (a referral id; a subscription id in the webhook outbox)
 * @param headers the tracing headers it carries ({@code hub.*}), in order
 */
public record OutboundRecord(String topic, String key, SpecificRecord value, Map<String, String> headers) {

    public OutboundRecord {
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** The same record with one more header. */
    public OutboundRecord with(String header, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(header, value);
        return new OutboundRecord(topic, key, this.value, more);
    }
}
