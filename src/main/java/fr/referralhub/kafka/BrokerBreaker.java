package fr.referralhub.kafka;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.apache.kafka.common.errors.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Fails fast while the broker is unreachable. Once a send failed for an outage, or was not acknowledged while the
 * broker acknowledged nothing for {@code hub.kafka.outage.ack-timeout}, further sends fail at once for
 * {@code fail-fast-for}, without waiting on the producer; then one send at a time tries the broker again, and the first
 * acknowledgement closes the breaker. So a partner waits about the acknowledgement timeout for its 503, and not at all
 * while the outage is known, instead of every request waiting out the producer's timeouts and holding a worker.
 *
 * <p>A broker that acknowledges other sends meanwhile is slow for this one, not down: its caller goes on waiting (for
 * at most its own timeout), so a burst of load does not turn into an outage for everyone.
 *
 * <p>Per instance, in its heap: each instance judges its own connection to the broker. A trial whose outcome never
 * comes (nobody waited for it) is given up after the acknowledgement timeout, so the breaker cannot stay shut.
 */
@Component
public class BrokerBreaker {

    private static final Logger log = LoggerFactory.getLogger(BrokerBreaker.class);

    private final Duration ackTimeout;
    private final Duration failFastFor;
    private final LongSupplier nanoClock;
    private volatile boolean open;
    /** When the broker last acknowledged or answered a send (the clock's nanoseconds). */
    private volatile long lastAnswer;
    /** Guarded by this. */
    private long failFastUntil;
    private long trialStartedAt;
    private boolean trialInProgress;

    @Autowired
    public BrokerBreaker(BrokerOutageProperties settings) {
        this(settings, System::nanoTime);
    }

    BrokerBreaker(BrokerOutageProperties settings, LongSupplier nanoClock) {
        this.ackTimeout = settings.ackTimeout();
        this.failFastFor = settings.failFastFor();
        this.nanoClock = nanoClock;
        this.lastAnswer = nanoClock.getAsLong();
    }

    /** Whether a send may go to the broker now: false while an outage is known, and beside the one trial after it. */
    public boolean allowsSend() {
        if (!open) {
            return true;
        }
        synchronized (this) {
            if (!open) {
                return true;
            }
            long now = nanoClock.getAsLong();
            if (now - failFastUntil < 0 || trialInProgress && now - trialStartedAt < ackTimeout.toNanos()) {
                return false;
            }
            trialInProgress = true;
            trialStartedAt = now;
            return true;
        }
    }

    /** The broker acknowledged a send, or answered it with a refusal of its own: it is reachable. */
    public void brokerAnswered() {
        lastAnswer = nanoClock.getAsLong();
        if (!open) {
            return;
        }
        synchronized (this) {
            if (open) {
                open = false;
                trialInProgress = false;
                log.info("Kafka acknowledges sends again: intake sends to it again");
            }
        }
    }

    /** A send failed for an outage, or was not acknowledged in time. */
    public synchronized void brokerUnreachable() {
        if (!open) {
            log.warn("Kafka did not acknowledge a send: intake answers 503 at once for {}, then tries it again",
                    failFastFor);
        }
        open = true;
        trialInProgress = false;
        failFastUntil = nanoClock.getAsLong() + failFastFor.toNanos();
    }

    /**
     * Waits for the broker's acknowledgement of a send: returns once it came, or the send failed (the caller learns
     * how from its own result), or {@code atMost} passed (the caller's own timeout then answers).
     *
     * @throws TimeoutException when neither this send nor any other was acknowledged for the acknowledgement timeout:
     *                          an outage, from now on failed fast
     */
    public void awaitAcknowledgement(CompletableFuture<?> acknowledged, Duration atMost) {
        long since = nanoClock.getAsLong();
        long giveUpAt = since + atMost.toNanos();
        try {
            while (true) {
                long heard = lastAnswer;
                long outageAt = (heard - since > 0 ? heard : since) + ackTimeout.toNanos();
                long now = nanoClock.getAsLong();
                if (now - giveUpAt >= 0) {
                    return;
                }
                if (now - outageAt >= 0) {
                    brokerUnreachable();
                    throw new TimeoutException("Kafka acknowledged nothing for " + ackTimeout + "; the event may still "
                            + "be recorded: send it again in a few seconds, it will be recognised");
                }
                try {
                    acknowledged.get(Math.min(outageAt - now, giveUpAt - now), TimeUnit.NANOSECONDS);
                    return;
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // Look again: another send may have been acknowledged meanwhile.
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("Interrupted while waiting for Kafka");
        } catch (ExecutionException failed) {
            // The send failed: its caller learns why from its result.
        }
    }

    /** Whether sends fail fast now (an outage is known). */
    public boolean isOpen() {
        return open;
    }
}
