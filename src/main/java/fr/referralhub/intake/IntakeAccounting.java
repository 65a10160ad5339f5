package fr.referralhub.intake;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerActivity;
import fr.referralhub.partners.PartnerAuthentication;
import fr.referralhub.partners.PartnerRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.springframework.stereotype.Component;

/**
 * Intake accounting: every input of every channel (an HTTP request, a row of a dropped file, a record of a landlord's
 * intake topic) is counted once in {@value #RECEIVED} and once in {@value #OUTCOMES} with its fate: {@code published},
 * {@code rejected} (refused with reasons: a 4xx/5xx answer, a dead letter, a file refused as a whole) or
 * {@code duplicate} (already published). So, per partner and channel, received = published + rejected + duplicate.
 *
 * <p>An input is counted when its fate is final, not when it is first seen: a Kafka batch or a file whose processing
 * failed (broker unavailable) is taken in again, and counting its first attempt would count the same input twice.
 * The steps that decide a fate note it on a {@link Tally} of the unit of work (the HTTP exchange, the file, the
 * batch); the tally is added to the counters when that unit of work completes successfully (the HTTP answer is
 * decided, the file is done, the batch is committed) and dropped when it fails. Inputs in flight are not counted
 * yet; the per-route exchange counts (Hawtio, Camel metrics) show those.
 *
 * <p>Tags: {@code channel} is the {@link IntakeChannel} name; {@code partner} is a registry partner id, or
 * {@value #UNKNOWN_PARTNER} when the caller is not a partner (bad API key, a folder or topic of no partner): tag values
 * never come from what a caller sends, so their number stays bounded.
 */
@Component("intakeAccounting")
public class IntakeAccounting {

    public static final String RECEIVED = "hub.intake.received";
    public static final String OUTCOMES = "hub.intake.outcomes";
    public static final String UNKNOWN_PARTNER = "unknown";

    /** Exchange property holding the {@link Tally} of the unit of work (shared with a split's row exchanges). */
    static final String TALLY = "hubIntakeTally";

    public enum Outcome {
        PUBLISHED, REJECTED, DUPLICATE,
        /**
         * An HTTP event answered on receipt ({@code Prefer: respond-async}): the referral state publishes it, finds it
         * a re-send, or dead-letters its refusal, after the answer.
         */
        DEFERRED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry meters;
    /**
     * The counters once registered: every input counts twice, and building a meter id and looking it up in the
     * registry each time (tags sorted, meter filters) is work per HTTP request that only needs doing once per tag set.
     * Bounded like the tags themselves: registry partners (and "unknown") times channels times outcomes.
     */
    private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();
    private final PartnerRegistry partners;
    private final PartnerActivity activity;

    public IntakeAccounting(MeterRegistry meters, PartnerRegistry partners, PartnerActivity activity) {
        this.meters = meters;
        this.partners = partners;
        this.activity = activity;
    }

    /** Every enabled partner's counters exist from the start at 0, so dashboards and alerts see them before traffic. */
    @PostConstruct
    void registerPartners() {
        for (Partner partner : partners.all()) {
            if (partner.enabled()) {
                received(partner.id(), partner.channel());
                for (Outcome outcome : Outcome.values()) {
                    outcome(partner.id(), partner.channel(), outcome);
                }
            }
        }
    }

    /**
     * Route step, first of an HTTP intake flow: the request is counted once its answer is decided, under the
     * authenticated partner ({@value #UNKNOWN_PARTNER} if authentication failed), as published or duplicate when
     * {@link ReferralIntake} said so, otherwise as rejected (a problem+json answer).
     */
    public void countWhenAnswered(Exchange exchange) {
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange answered) {
                Partner partner = answered.getProperty(PartnerAuthentication.PARTNER, Partner.class);
                Outcome outcome;
                if (answered.getProperty(ReferralIntake.ANSWERED_ON_RECEIPT, false, Boolean.class)
                        && answered.getProperty(ReferralIntake.REFERRAL_ID) != null && answered.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class) == 202) {
                    outcome = Outcome.DEFERRED;
                } else if (answered.getProperty(ReferralIntake.PUBLISHED, false, Boolean.class)) {
                    outcome = Outcome.PUBLISHED;
                } else if (answered.getProperty(ReferralIntake.DUPLICATE, false, Boolean.class)) {
                    outcome = Outcome.DUPLICATE;
                } else {
                    outcome = Outcome.REJECTED;
                }
                count(partner == null ? UNKNOWN_PARTNER : partner.id(), IntakeChannel.HTTP_JSON, outcome, 1);
            }
        });
    }

    /**
     * Opens the tally of a unit of work holding many inputs (a file, a batch): the fates noted on it are counted
     * when the exchange completes successfully, and dropped if it fails (its inputs will be taken in again).
     */
    public Tally openTally(Exchange unitOfWork, IntakeChannel channel) {
        Tally tally = new Tally(channel);
        unitOfWork.setProperty(TALLY, tally);
        unitOfWork.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onComplete(Exchange done) {
                tally.settle();
            }
        });
        return tally;
    }

    /** The tally {@link #openTally} put on this exchange (or on the exchange it was split from). */
    public static Tally tallyOf(Exchange exchange) {
        Tally tally = exchange.getProperty(TALLY, Tally.class);
        if (tally == null) {
            throw new IllegalStateException("No intake tally on the exchange: intakeAccounting.openTally must run first");
        }
        return tally;
    }

    /** The fates of the inputs of one unit of work, counted together when it completes. */
    public final class Tally {

        private final IntakeChannel channel;
        private final List<Noted> noted = new ArrayList<>();

        private Tally(IntakeChannel channel) {
            this.channel = channel;
        }

        /** One input of the partner (a registry id, or {@value #UNKNOWN_PARTNER}) got its final outcome. */
        public synchronized void note(String partnerId, Outcome outcome) {
            noted.add(new Noted(partnerId, outcome));
        }

        private synchronized void settle() {
            noted.forEach(n -> count(n.partnerId(), channel, n.outcome(), 1));
            noted.clear();
        }
    }

    private record Noted(String partnerId, Outcome outcome) {
    }

    private void count(String partnerId, IntakeChannel channel, Outcome outcome, long inputs) {
        if (!UNKNOWN_PARTNER.equals(partnerId)) {
            // Even a rejected input shows the partner's system is sending: it is not silent.
            activity.seen(partnerId, Instant.now());
        }
        received(partnerId, channel).increment(inputs);
        outcome(partnerId, channel, outcome).increment(inputs);
    }

    private Counter received(String partnerId, IntakeChannel channel) {
        return counters.computeIfAbsent(new CounterKey(partnerId, channel, null), key -> Counter.builder(RECEIVED)
                .description("Partner inputs (HTTP requests, file rows, intake records) whose fate is settled")
                .tag("partner", partnerId).tag("channel", channel.name())
                .register(meters));
    }

    private Counter outcome(String partnerId, IntakeChannel channel, Outcome outcome) {
        return counters.computeIfAbsent(new CounterKey(partnerId, channel, outcome), key -> Counter.builder(OUTCOMES)
                .description("Partner inputs by outcome: published, rejected (with reasons) or duplicate")
                .tag("partner", partnerId).tag("channel", channel.name()).tag("outcome", outcome.tag())
                .register(meters));
    }

    /** A counter's tags; {@code outcome} null for {@value #RECEIVED}. */
    private record CounterKey(String partnerId, IntakeChannel channel, Outcome outcome) {
    }
}
