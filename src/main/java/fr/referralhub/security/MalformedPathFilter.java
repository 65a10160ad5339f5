package fr.referralhub.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Spring Security's firewall, run first of all. Its own run comes too late for some paths: Spring MVC's request-path
 * filters, which run before the security chain, throw on a path that is not normalised ({@code /actuator/./jolokia}:
 * "Invalid contextPath"), a 500 with a stack trace. Here such a request gets the firewall's 400 problem before any of
 * them reads its path.
 */
final class MalformedPathFilter extends OncePerRequestFilter {

    private final HttpFirewall firewall;
    private final RequestRejectedHandler refusal;

    MalformedPathFilter(HttpFirewall firewall, RequestRejectedHandler refusal) {
        this.firewall = firewall;
        this.refusal = refusal;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            firewall.getFirewalledRequest(request);
        } catch (RequestRejectedException rejected) {
            refusal.handle(request, response, rejected);
            return;
        }
        chain.doFilter(request, response);
    }
}
