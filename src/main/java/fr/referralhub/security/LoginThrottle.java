package fr.referralhub.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.security.authentication.event.AbstractAuthenticationEvent;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Slows password guessing: after {@code max-failures-per-user} failed logins of one user name, or
 * {@code max-failures-per-address} from one client address, each within {@code window} of the previous one, further
 * attempts of that name or from that address are refused (429, {@link LoginThrottleFilter}) for {@code first-block},
 * doubled at each further failure up to {@code longest-block}. A successful login clears its user name's count (not its
 * address's: one valid account must not reset the guessing of others from the same address).
 *
 * <p>Failures are learnt from Spring Security's authentication events, published for HTTP Basic and the login form
 * alike ({@link SecurityConfiguration#authenticationEventPublisher}).
 *
 * <p>In memory, per instance, on purpose: the limit only has to slow guessing, not count it exactly, and each instance
 * limiting on its own bounds the total to N times one instance's rate, which the defaults keep small
 * ({@link LoginThrottleProperties}). A shared store (Kafka, a cache) would make logins depend on it. The price: a
 * restart forgets the counts, and a guesser can lock a user name out for as long as it keeps guessing (the operator
 * waits for the block to end; the address limit and the log show who guesses). Behind a reverse proxy, set
 * {@code server.forward-headers-strategy} so the client address is the client's, not the proxy's.
 */
final class LoginThrottle implements ApplicationListener<AbstractAuthenticationEvent> {

    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

    private final LoginThrottleProperties properties;
    private final Clock clock;
    /** By key ("user:alice", "address:10.0.0.7"), least recently failed first, bounded. */
    private final Map<String, Failures> tracked;

    private static final class Failures {
        int count;
        Instant last;
        Instant blockedUntil = Instant.MIN;
    }

    LoginThrottle(LoginThrottleProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        this.tracked = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                return size() > properties.maxTracked();
            }
        };
    }

    /** How long attempts of this user name (null: unknown) or from this address are still refused, if they are. */
    synchronized Optional<Duration> blockedFor(String user, String address) {
        Instant now = clock.instant();
        Duration longest = Duration.ZERO;
        for (String key : new String[] {userKey(user), addressKey(address)}) {
            Failures failures = key == null ? null : tracked.get(key);
            if (failures != null && failures.blockedUntil.isAfter(now)) {
                Duration left = Duration.between(now, failures.blockedUntil);
                longest = left.compareTo(longest) > 0 ? left : longest;
            }
        }
        return longest.isZero() ? Optional.empty() : Optional.of(longest);
    }

    synchronized void failed(String user, String address) {
        failed(userKey(user), properties.maxFailuresPerUser());
        failed(addressKey(address), properties.maxFailuresPerAddress());
    }

    synchronized void succeeded(String user) {
        String key = userKey(user);
        if (key != null) {
            tracked.remove(key);
        }
    }

    @Override
    public void onApplicationEvent(AbstractAuthenticationEvent event) {
        String user = event.getAuthentication().getName();
        if (event instanceof AbstractAuthenticationFailureEvent) {
            String address = event.getAuthentication().getDetails() instanceof WebAuthenticationDetails details
                    ? details.getRemoteAddress() : null;
            failed(user, address);
        } else if (event instanceof AuthenticationSuccessEvent) {
            succeeded(user);
        }
    }

    private void failed(String key, int maxFailures) {
        if (key == null) {
            return;
        }
        Instant now = clock.instant();
        // Removed and put back: the map's order is then least recently failed first, which it forgets first.
        Failures failures = tracked.remove(key);
        if (failures == null || Duration.between(failures.last, now).compareTo(properties.window()) > 0) {
            failures = new Failures();
        }
        failures.count++;
        failures.last = now;
        if (failures.count >= maxFailures) {
            Duration block = block(failures.count - maxFailures);
            failures.blockedUntil = now.plus(block);
            log.warn("Login attempts of {} refused for {} s after {} failures", printable(key), block.toSeconds(),
                    failures.count);
        }
        tracked.put(key, failures);
    }

    /** first-block doubled for each failure beyond the limit, at most longest-block. */
    private Duration block(int beyondLimit) {
        Duration block = properties.firstBlock();
        for (int i = 0; i < beyondLimit && block.compareTo(properties.longestBlock()) < 0; i++) {
            block = block.multipliedBy(2);
        }
        return block.compareTo(properties.longestBlock()) > 0 ? properties.longestBlock() : block;
    }

    private static String userKey(String user) {
        // Spring's in-memory accounts ignore the case of user names: so does the count.
        return user == null || user.isEmpty() ? null : "user:" + user.toLowerCase(Locale.ROOT);
    }

    private static String addressKey(String address) {
        return address == null || address.isEmpty() ? null : "address:" + address;
    }

    /** A user name as it may be logged: the guesser chose it. */
    private static String printable(String key) {
        String printable = key.replaceAll("[^\\x20-\\x7E]", "?");
        return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
    }
}
