package fr.referralhub.security;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.api.CachedBodyRequest;
import fr.referralhub.operations.OperatorAudit;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The second lock on Jolokia (the first is Jolokia's own policy, jolokia-access.xml; both apply {@link JolokiaPolicy}):
 * <ul>
 * <li>a VIEWER may only read ({@link JolokiaPolicy.Access#READ}: read, list, search, version, and the exec calls that
 * only answer questions, such as Hawtio's RBAC registry and Camel's route definitions);</li>
 * <li>an OPERATOR may also do what the console needs ({@link JolokiaPolicy.Access#OPERATE}: stop/start a route, the
 * dead-letter MBean);</li>
 * <li>nobody may do anything else ({@link JolokiaPolicy.Access#DENIED}: Camel's sendBody to a {@code file:} endpoint,
 * dumpHeap, DiagnosticCommand, attribute writes...), in every profile, dev included.</li>
 * </ul>
 * Jolokia carries the operation in the JSON body of a POST (one request or a bulk array: one refused request refuses
 * the whole bulk, so nothing of it runs) or in the URL of a GET; exec and write are served as POST only, where the
 * MBean and the operation can be read reliably (a GET path has Jolokia's own escaping) and a cross-site image tag
 * cannot trigger them.
 *
 * <p>Every exec or write that is not a plain question is audited on the operator audit (operator-audit.v1, action
 * JOLOKIA_EXEC or JOLOKIA_WRITE, target {@code jmx:<mbean>/<operation>}): an allowed one before it runs, and only if
 * the record is stored (else 503 and nothing runs, as for a dead-letter inspection); a refused one with its reason.
 * The questions (READ) are not audited: Hawtio repeats some every few seconds (route statistics), and they change
 * nothing.
 *
 * <p>Why a filter as well as Jolokia's restrictor: the policy file knows MBeans and operations, not the caller's role,
 * and its refusals are neither audited nor problem+json.
 */
final class JolokiaOperationGuard extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(JolokiaOperationGuard.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * A bigger body is refused rather than buffered. Not small: Hawtio's permission check sends one request naming
     * every MBean and its operations, which went past 1 MiB in a JVM holding a few Camel contexts (the test suite's).
     */
    private static final int MAX_BODY_BYTES = 16 << 20;

    /** Where the guard's audit records go (OperatorAudit#jolokia in the hub). */
    @FunctionalInterface
    interface Audit {
        /** @throws RuntimeException when the record cannot be stored */
        void record(String actor, String action, String target, String outcome, List<String> reasons);
    }

    private final List<String> jolokiaPaths;
    private final Audit audit;

    /**
     * @param jolokiaPaths path prefixes served by Jolokia, e.g. /actuator/jolokia and Hawtio's forward to it
     * @param audit        where exec and write requests are recorded
     */
    JolokiaOperationGuard(List<String> jolokiaPaths, Audit audit) {
        this.jolokiaPaths = List.copyOf(jolokiaPaths);
        this.audit = audit;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !isJolokia(request, jolokiaPaths);
    }

    /**
     * Whether a request is for Jolokia: its path, as the servlet container will map it (decoded, path parameters,
     * empty and dot segments removed), starts with one of the prefixes. The firewall of Spring Security already refuses
     * most such paths; this keeps the guard right should one get through.
     */
    static boolean isJolokia(HttpServletRequest request, List<String> jolokiaPaths) {
        String path = normalisedPath(request.getRequestURI().substring(request.getContextPath().length()));
        return jolokiaPaths.stream().anyMatch(prefix -> path.equals(prefix) || path.startsWith(prefix + "/"));
    }

    static String normalisedPath(String rawPath) {
        String decoded;
        try {
            decoded = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = rawPath;
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : decoded.split("/")) {
            int parameters = segment.indexOf(';');
            String name = parameters < 0 ? segment : segment.substring(0, parameters);
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(name);
            }
        }
        return "/" + String.join("/", segments);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HttpServletRequest forwarded = request;
        List<JolokiaPolicy.Decision> decisions;
        if ("POST".equalsIgnoreCase(request.getMethod())) {
            byte[] body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                SecurityProblems.write(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "jolokia-too-large",
                        "Jolokia request too large", "A Jolokia request body is limited to 16 MiB.");
                return;
            }
            decisions = postDecisions(body);
            forwarded = new CachedBodyRequest(request, body);
        } else {
            decisions = List.of(JolokiaPolicy.decideType(getType(request)));
        }
        String actor = request.getUserPrincipal() == null ? "anonymous" : request.getUserPrincipal().getName();
        boolean operator = request.isUserInRole(Roles.OPERATOR);

        List<JolokiaPolicy.Decision> denied = decisions.stream()
                .filter(d -> d.access() == JolokiaPolicy.Access.DENIED).toList();
        List<JolokiaPolicy.Decision> operatorOnly = decisions.stream()
                .filter(d -> d.access() == JolokiaPolicy.Access.OPERATE).toList();
        if (!operator && (!operatorOnly.isEmpty() || !denied.isEmpty())) {
            refuse(actor, decisions, "needs the OPERATOR role (VIEWER reads only)");
            // The user name and the request types only: never the body (it may carry arguments or written values).
            log.warn("Jolokia {} refused to {} (role VIEWER only): needs OPERATOR", describe(decisions), actor);
            SecurityProblems.write(response, HttpServletResponse.SC_FORBIDDEN, "operator-required",
                    "Operator role required",
                    "Jolokia " + describe(decisions) + " changes the hub and needs the OPERATOR role; "
                            + "VIEWER may only read, list, search and ask the version.");
            return;
        }
        if (!denied.isEmpty()) {
            refuse(actor, decisions, "refused by the hub's Jolokia policy");
            log.warn("Jolokia {} refused to {}: not allowed to anyone (docs/operators.md)", describe(denied), actor);
            SecurityProblems.write(response, HttpServletResponse.SC_FORBIDDEN, "jolokia-operation-denied",
                    "Jolokia operation not allowed",
                    "Jolokia " + describe(denied) + " is not allowed to anyone: " + denied.get(0).reason()
                            + ". The attempt is audited.");
            return;
        }
        for (JolokiaPolicy.Decision change : operatorOnly) {
            try {
                audit.record(actor, action(change), change.target(), "ALLOWED", List.of());
            } catch (RuntimeException e) {
                log.error("Jolokia {} by {} not run: its audit record could not be stored ({})", change.target(),
                        actor, e.toString());
                SecurityProblems.write(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "audit-unavailable",
                        "Audit unavailable", "The audit record of this operation could not be stored, so it was not "
                                + "run. Retry once the broker is back.");
                return;
            }
        }
        chain.doFilter(forwarded, response);
    }

    /** Audits every change a refused request asked for (nothing of it runs, so each is REFUSED). */
    private void refuse(String actor, List<JolokiaPolicy.Decision> decisions, String why) {
        for (JolokiaPolicy.Decision decision : decisions) {
            if (!decision.isChange()) {
                continue;
            }
            String reason = decision.reason() != null ? decision.reason() : why;
            try {
                audit.record(actor, action(decision), decision.target() == null ? "(" + decision.type() + ")"
                        : decision.target(), "REFUSED", List.of(reason));
            } catch (RuntimeException e) {
                // Refused all the same; the log line is its only record.
                log.error("Jolokia {} refused to {} ({}), and NOT audited: {}", decision.target(), actor, reason,
                        e.toString());
            }
        }
    }

    private static String action(JolokiaPolicy.Decision decision) {
        return switch (decision.type()) {
            case "exec" -> OperatorAudit.JOLOKIA_EXEC;
            case "write" -> OperatorAudit.JOLOKIA_WRITE;
            // A refused read of a diagnostic MBean, an unknown type, an unreadable body.
            default -> "JOLOKIA_" + decision.type().replaceAll("[^A-Za-z]", "").toUpperCase(Locale.ROOT);
        };
    }

    /** For the log and the answer: types, and for exec/write the MBean and operation or attribute, never arguments. */
    private static String describe(List<JolokiaPolicy.Decision> decisions) {
        return decisions.stream().map(d -> d.target() == null ? d.type() : d.type() + " " + d.target())
                .distinct().toList().toString();
    }

    /** GET /jolokia/&lt;type&gt;/...; the path may also come as ?p=/&lt;type&gt;/...; no type is a version request. */
    private static String getType(HttpServletRequest request) {
        String pathParameter = request.getParameter("p");
        String rest;
        if (pathParameter != null) {
            rest = pathParameter;
        } else {
            // Decoded once, as the container hands it to Jolokia.
            String path = normalisedPath(request.getRequestURI().substring(request.getContextPath().length()));
            int jolokia = path.indexOf("/jolokia");
            rest = jolokia < 0 ? path : path.substring(jolokia + "/jolokia".length());
        }
        while (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        int slash = rest.indexOf('/');
        String type = (slash < 0 ? rest : rest.substring(0, slash)).toLowerCase(Locale.ROOT);
        return type.isEmpty() ? "version" : type;
    }

    /** The decision on each request of a POST body; an unreadable body is refused. */
    private static List<JolokiaPolicy.Decision> postDecisions(byte[] body) {
        List<JolokiaPolicy.Decision> decisions = new ArrayList<>();
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null || !(json.isObject() || json.isArray())) {
                return List.of(unreadable("(empty body)"));
            }
            for (JsonNode one : json.isArray() ? json : List.of(json)) {
                decisions.add(one.isObject() ? JolokiaPolicy.decide(one) : unreadable("(not a request)"));
            }
        } catch (IOException e) {
            decisions.add(unreadable("(unreadable body)"));
        }
        return decisions.isEmpty() ? List.of(unreadable("(empty bulk)")) : decisions;
    }

    private static JolokiaPolicy.Decision unreadable(String what) {
        return new JolokiaPolicy.Decision(what, JolokiaPolicy.Access.DENIED, null, "the body is not a Jolokia request");
    }
}
