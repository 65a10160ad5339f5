package fr.referralhub.logging;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerAuthentication;
import fr.referralhub.topics.RecordHeaders;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Puts the ids of the referral an exchange is processing in the logging MDC around each route step, so any line
 * logged by the step (a refusal, a dead letter, a failure) says which partner event and referral it is about:
 * {@value #PARTNER_ID}, {@value #PARTNER_EVENT_ID}, {@value #REFERRAL_ID}, the names of the record headers that
 * carry the same ids on Kafka, so one search finds both.
 *
 * <p>Why around each step rather than once: the ids become known step by step (the partner when it is
 * authenticated, its event id once the event is read, the referral id once the intake gave it one), and a step may
 * run on another thread than the previous one. The previous MDC values are put back after each step, so nothing
 * leaks into unrelated lines of a pooled thread. Only the ids are copied: they hold no personal data, and any value
 * that does not look like an id is left out (a client cannot write into the logs through a header).
 *
 * <p>Camel picks this strategy up as a bean and applies it to every route; routes need no change.
 */
@Component
public class ReferralLogContext implements InterceptStrategy {

    public static final String PARTNER_ID = RecordHeaders.PARTNER_ID;
    public static final String PARTNER_EVENT_ID = RecordHeaders.PARTNER_EVENT_ID;
    public static final String REFERRAL_ID = RecordHeaders.REFERRAL_ID;
    /** Exchange property holding the referral id once intake knows it (intake.ReferralIntake#REFERRAL_ID). */
    public static final String REFERRAL_ID_PROPERTY = "hubReferralId";

    /** Partner ids, partner event ids and UUIDs; nothing with spaces, quotes or line breaks, and nothing long. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}");

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
            Processor nextTarget) {
        return new DelegateAsyncProcessor(target) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                Map<String, String> previous = enter(exchange);
                try {
                    return processor.process(exchange, callback);
                } finally {
                    leave(previous);
                }
            }

            @Override
            public String toString() {
                return processor.toString();
            }
        };
    }

    /**
     * For batch steps, which handle many records in one step: the ids of one record in the MDC until closed, the
     * previous values put back then. Starts with what the record's headers say (canonical topics carry them);
     * {@link Scope#partnerEvent} adds what is learnt while reading it (a landlord's raw XML carries none).
     */
    public static Scope forRecord(Exchange record) {
        Scope scope = new Scope();
        idsOf(record).forEach(scope::put);
        return scope;
    }

    /** The ids of one record in the MDC; see {@link #forRecord}. */
    public static final class Scope implements AutoCloseable {

        private final Map<String, String> previous = new LinkedHashMap<>();

        private Scope() {
        }

        /** The partner and its event id, once the record is read. */
        public Scope partnerEvent(String partnerId, String partnerEventId) {
            put(PARTNER_ID, partnerId);
            put(PARTNER_EVENT_ID, partnerEventId);
            return this;
        }

        private void put(String key, String value) {
            if (value == null || !ID.matcher(value).matches()) {
                return;
            }
            previous.putIfAbsent(key, MDC.get(key));
            MDC.put(key, value);
        }

        @Override
        public void close() {
            leave(previous);
        }
    }

    /** The ids of the referral this exchange is about, as far as they are known yet. */
    static Map<String, String> idsOf(Exchange exchange) {
        Map<String, String> ids = new LinkedHashMap<>();
        Object body = exchange.getMessage().getBody();
        PartnerEventIds event = body instanceof PartnerEventIds read ? read : null;
        Partner partner = exchange.getProperty(PartnerAuthentication.PARTNER, Partner.class);
        put(ids, PARTNER_ID, header(exchange, RecordHeaders.PARTNER_ID),
                partner != null ? partner.id() : null, event != null ? event.partnerId() : null);
        put(ids, PARTNER_EVENT_ID, header(exchange, RecordHeaders.PARTNER_EVENT_ID),
                event != null ? event.partnerEventId() : null);
        put(ids, REFERRAL_ID, header(exchange, RecordHeaders.REFERRAL_ID),
                exchange.getProperty(REFERRAL_ID_PROPERTY, String.class));
        return ids;
    }

    private static Map<String, String> enter(Exchange exchange) {
        Map<String, String> ids = idsOf(exchange);
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<String, String> previous = new LinkedHashMap<>();
        ids.forEach((key, value) -> {
            previous.put(key, MDC.get(key));
            MDC.put(key, value);
        });
        return previous;
    }

    private static void leave(Map<String, String> previous) {
        previous.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }

    private static void put(Map<String, String> ids, String key, String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && ID.matcher(candidate).matches()) {
                ids.put(key, candidate);
                return;
            }
        }
    }

    /** A header as the hub sets it (a String) or as a Kafka consumer maps it (bytes). */
    private static String header(Exchange exchange, String name) {
        Object value = exchange.getMessage().getHeader(name);
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return value instanceof String text ? text : null;
    }
}
