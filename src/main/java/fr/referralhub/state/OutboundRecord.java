package fr.referralhub.state;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A record the referral state writes in the same transaction as the state change that caused it: a counselling record
 * to a service's topic or the webhook outbox, a feedback to a referrer, a notice, an eligibility decision, a dead
 * letter.
 *
 * @param topic   where it goes (a service's or a partner's own topic, created beforehand by the caller)
 * @param key     its key (a referral id; a subscription id in the webhook outbox; a person reference for a decision)
 * @param value   an Avro record, written in the Confluent wire format under its topic's subject; or bytes, written
 *                as they are (a dead letter)
 * @param headers the tracing headers it carries ({@code hub.*}), in order
 */
public record OutboundRecord(String topic, String key, Object value, Map<String, String> headers) {

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
