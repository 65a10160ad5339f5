package fr.referralhub.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hub.security.login-throttle.*}: how many failed logins (HTTP Basic or the login form) a user name or a client
 * address may make before its next attempts are answered 429 ({@link LoginThrottle}).
 *
 * <p>The defaults bound guessing per instance to about 5 passwords an hour per user name once a guesser pauses, and to
 * one every {@code longest-block} (15 min, about 100 a day) while it keeps going; N instances allow N times that, still
 * far too few for a bcrypt-hashed password of any strength.
 *
 * @param maxFailuresPerUser    failures of one user name, within {@code window} of each other, before it is blocked
 * @param maxFailuresPerAddress the same for one client address (higher: an office behind one NAT address)
 * @param window                failures further apart than this start the count again
 * @param firstBlock            the first block; each further failure doubles it...
 * @param longestBlock          ...up to this
 * @param maxTracked            user names and addresses remembered at most (the oldest are forgotten first)
 */
@ConfigurationProperties("hub.security.login-throttle")
public record LoginThrottleProperties(
        @DefaultValue("5") int maxFailuresPerUser,
        @DefaultValue("20") int maxFailuresPerAddress,
        @DefaultValue("PT1H") Duration window,
        @DefaultValue("PT30S") Duration firstBlock,
        @DefaultValue("PT15M") Duration longestBlock,
        @DefaultValue("10000") int maxTracked) {
}
