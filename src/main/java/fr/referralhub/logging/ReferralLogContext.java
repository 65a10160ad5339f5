package fr.referralhub.logging;

import java.nio.charset.StandardCharsets;

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

    /** The MDC keys this context sets; arrays of ids below are indexed like it. */
    private static final String[] KEYS = {PARTNER_ID, PARTNER_EVENT_ID, REFERRAL_ID};
    private static final int PARTNER = 0;
    private static final int EVENT = 1;
    private static final int REFERRAL = 2;

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
            Processor nextTarget) {
        return new DelegateAsyncProcessor(target) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                String[] ids = idsOf(exchange);
                String[] previous = enter(ids);
                try {
                    return processor.process(exchange, callback);
                } finally {
                    leave(ids, previous);
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
        String[] ids = idsOf(record);
        for (int i = 0; i < KEYS.length; i++) {
            scope.put(i, ids[i]);
        }
        return scope;
    }

    /** The ids of one record in the MDC; see {@link #forRecord}. */
    public static final class Scope implements AutoCloseable {

        private final String[] set = new String[KEYS.length];
        private final String[] previous = new String[KEYS.length];

        private Scope() {
        }

        /** The partner and its event id, once the record is read. */
        public Scope partnerEvent(String partnerId, String partnerEventId) {
            put(PARTNER, partnerId);
            put(EVENT, partnerEventId);
            return this;
        }

        private void put(int key, String value) {
            if (value == null || !isId(value)) {
                return;
            }
            if (set[key] == null) {
                previous[key] = MDC.get(KEYS[key]);
            }
            set[key] = value;
            MDC.put(KEYS[key], value);
        }

        @Override
        public void close() {
            leave(set, previous);
        }
    }

    /**
     * The ids of the referral this exchange is about, as far as they are known yet: one per {@link #KEYS} entry,
     * null where unknown or not shaped like an id.
     */
    static String[] idsOf(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        PartnerEventIds event = body instanceof PartnerEventIds read ? read : null;
        Partner partner = exchange.getProperty(PartnerAuthentication.PARTNER, Partner.class);
        String[] ids = new String[KEYS.length];
        ids[PARTNER] = firstId(header(exchange, RecordHeaders.PARTNER_ID),
                partner != null ? partner.id() : null, event != null ? event.partnerId() : null);
        ids[EVENT] = firstId(header(exchange, RecordHeaders.PARTNER_EVENT_ID),
                event != null ? event.partnerEventId() : null);
        ids[REFERRAL] = firstId(header(exchange, RecordHeaders.REFERRAL_ID),
                exchange.getProperty(REFERRAL_ID_PROPERTY, String.class));
        return ids;
    }

    /** Puts the known ids in the MDC; returns what the MDC held under their keys before. */
    private static String[] enter(String[] ids) {
        String[] previous = new String[KEYS.length];
        for (int i = 0; i < KEYS.length; i++) {
            if (ids[i] != null) {
                previous[i] = MDC.get(KEYS[i]);
                MDC.put(KEYS[i], ids[i]);
            }
        }
        return previous;
    }

    /** Puts back, under each key that was {@code set}, what the MDC held before. */
    private static void leave(String[] set, String[] previous) {
        for (int i = 0; i < KEYS.length; i++) {
            if (set[i] == null) {
                continue;
            }
            if (previous[i] == null) {
                MDC.remove(KEYS[i]);
            } else {
                MDC.put(KEYS[i], previous[i]);
            }
        }
    }

    private static String firstId(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && isId(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Partner ids, partner event ids and UUIDs: a letter or digit, then up to 99 letters, digits or {@code ._:/-};
     * nothing with spaces, quotes or line breaks, and nothing long. Checked character by character rather than with
     * a regular expression: this runs for every candidate id around every step of every exchange (about ten steps
     * per HTTP request), and this class was near the top of the hub's own frames in a CPU profile of the HTTP intake
     * under load (issue 14). For the same reason the ids travel in small arrays, not maps.
     */
    static boolean isId(String value) {
        int length = value.length();
        if (length == 0 || length > 100 || !isLetterOrDigit(value.charAt(0))) {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = value.charAt(i);
            if (!isLetterOrDigit(c) && c != '.' && c != '_' && c != ':' && c != '/' && c != '-') {
                return false;
            }
        }
        return true;
    }

    /** ASCII only, as the pattern it replaces ({@code [A-Za-z0-9]}). */
    private static boolean isLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
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
