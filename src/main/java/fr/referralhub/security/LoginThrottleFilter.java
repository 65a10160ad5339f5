package fr.referralhub.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers a login attempt (HTTP Basic credentials on any request, or the login form's POST) of a user name or from an
 * address that {@link LoginThrottle} blocks with 429 problem+json and {@code Retry-After}, before the password is
 * checked, so a blocked guesser learns nothing, right or wrong.
 */
final class LoginThrottleFilter extends OncePerRequestFilter {

    private final LoginThrottle throttle;
    private final RequestMatcher loginForm;

    /** @param loginForm the login form's POST (its {@code username} parameter is the user name) */
    LoginThrottleFilter(LoginThrottle throttle, RequestMatcher loginForm) {
        this.throttle = throttle;
        this.loginForm = loginForm;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader("Authorization");
        boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
        boolean form = !basic && loginForm.matches(request);
        if (!basic && !form) {
            chain.doFilter(request, response);
            return;
        }
        String user = basic ? basicUser(authorization.substring(6)) : request.getParameter("username");
        Optional<Duration> blocked = throttle.blockedFor(user, request.getRemoteAddr());
        if (blocked.isPresent()) {
            long seconds = Math.max(1, (blocked.get().toMillis() + 999) / 1000);
            response.setHeader("Retry-After", Long.toString(seconds));
            SecurityProblems.write(response, 429, "login-rate-limited", "Too many failed logins",
                    "Too many failed logins for this user name or from this address: try again in " + seconds
                            + " s. Each further failure doubles the wait.");
            return;
        }
        chain.doFilter(request, response);
    }

    /** The user name of Basic credentials; null when they are not decodable (the Basic filter then refuses them). */
    private static String basicUser(String encoded) {
        try {
            String decoded = new String(Base64.getDecoder().decode(encoded.trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
