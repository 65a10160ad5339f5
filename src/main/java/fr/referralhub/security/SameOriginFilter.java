package fr.referralhub.security;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses what another web site makes a browser send to the hub, in every profile (the dev profile has no login, so
 * there any page the developer opens could otherwise drive Jolokia: a {@code text/plain} POST needs no CORS preflight):
 * <ul>
 * <li>a state-changing request (any method but GET, HEAD, OPTIONS) whose {@code Origin} is not the hub's own;</li>
 * <li>any Jolokia request (also GET and the OPTIONS preflight) whose {@code Origin} is not the hub's own, or that the
 * browser marks {@code Sec-Fetch-Site: cross-site} or {@code same-site} (a GET from an image tag carries no Origin).</li>
 * </ul>
 * Requests without these headers (scripts, curl, Prometheus) are not affected; Hawtio's own requests carry the hub's
 * origin. Not checked: the partner API, whose credential (an API key header) is never sent by a browser on its own.
 *
 * <p>"The hub's own" origin: the scheme-less authority of the {@code Host} header or of the server name and port
 * (which reflect {@code X-Forwarded-*} when {@code server.forward-headers-strategy} is set), or one listed in
 * {@code hub.security.allowed-origins} (a proxy that rewrites the Host header). The scheme is not compared: behind a
 * TLS-terminating proxy the hub sees http while the browser says https.
 */
final class SameOriginFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(SameOriginFilter.class);
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> FOREIGN_FETCH_SITES = Set.of("cross-site", "same-site");

    private final List<String> allowedOrigins;
    private final List<String> jolokiaPaths;

    /**
     * @param allowedOrigins origins accepted besides the hub's own, e.g. {@code https://hub.example.org}
     * @param jolokiaPaths   path prefixes served by Jolokia
     */
    SameOriginFilter(List<String> allowedOrigins, List<String> jolokiaPaths) {
        this.allowedOrigins = allowedOrigins.stream().map(SameOriginFilter::normalise).toList();
        this.jolokiaPaths = List.copyOf(jolokiaPaths);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean jolokia = JolokiaOperationGuard.isJolokia(request, jolokiaPaths);
        boolean changing = !SAFE_METHODS.contains(request.getMethod().toUpperCase(Locale.ROOT));
        String origin = request.getHeader("Origin");
        String refusal = null;
        if (origin != null && (changing || jolokia) && !isOwnOrAllowed(request, origin)) {
            refusal = "its Origin (" + sanitised(origin) + ") is not the hub's";
        } else if (jolokia && FOREIGN_FETCH_SITES.contains(String.valueOf(request.getHeader("Sec-Fetch-Site")))
                && (origin == null || !isOwnOrAllowed(request, origin))) {
            refusal = "the browser says it comes from another site (Sec-Fetch-Site)";
        }
        if (refusal != null) {
            log.warn("Refused {} {} from another web site: {}", request.getMethod(), request.getRequestURI(), refusal);
            SecurityProblems.write(response, HttpServletResponse.SC_FORBIDDEN, "cross-origin-refused",
                    "Cross-origin request refused", "This request was refused because " + refusal + ". The console "
                            + "and Jolokia answer pages of the hub only (hub.security.allowed-origins adds others).");
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean isOwnOrAllowed(HttpServletRequest request, String origin) {
        String normalised = normalise(origin);
        if (allowedOrigins.contains(normalised)) {
            return true;
        }
        URI uri;
        try {
            uri = new URI(origin.trim());
        } catch (URISyntaxException e) {
            return false;
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            // "null" (a sandboxed frame, a file:// page) or garbage.
            return false;
        }
        int defaultPort = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        String authority = authority(uri.getHost(), uri.getPort() < 0 ? defaultPort : uri.getPort());
        String host = request.getHeader("Host");
        if (host != null && authority.equals(hostHeaderAuthority(host, defaultPort))) {
            return true;
        }
        return authority.equals(authority(request.getServerName(), request.getServerPort()));
    }

    /** The Host header as host:port, its port defaulting to that of the Origin's scheme (same origin = same scheme). */
    private static String hostHeaderAuthority(String host, int defaultPort) {
        String value = host.trim();
        int colon = value.lastIndexOf(':');
        if (colon > value.lastIndexOf(']') && colon >= 0) {
            try {
                return authority(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
            } catch (NumberFormatException e) {
                return "";
            }
        }
        return authority(value, defaultPort);
    }

    private static String authority(String host, int port) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** scheme://host[:port] in lower case, without a trailing slash, as browsers write Origin. */
    private static String normalise(String origin) {
        String value = origin.trim().toLowerCase(Locale.ROOT);
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    /** An Origin as it may be logged: printable ASCII only, bounded (it is attacker-controlled). */
    private static String sanitised(String origin) {
        String printable = origin.replaceAll("[^\\x20-\\x7E]", "?");
        return printable.length() > 100 ? printable.substring(0, 100) + "..." : printable;
    }
}
