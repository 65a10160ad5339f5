package fr.referralhub.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Jolokia's role split: a VIEWER may send only reading requests (read, list, search, version); everything else
 * (exec: stop/start a route, a replay; write: change an attribute; and any type this class does not know) needs
 * OPERATOR. Spring Security has already checked that the caller is a VIEWER or an OPERATOR; this filter looks inside
 * the request, because Jolokia carries the operation in the URL of a GET ({@code /jolokia/exec/<mbean>/stop}) or in
 * the JSON body of a POST (one request or a bulk array: one writing request makes the whole bulk need OPERATOR).
 *
 * <p>Exceptions, so the console works for a VIEWER, for exec calls that only answer questions and change nothing:
 * Hawtio asking its own security MBeans what the user may do ({@code list} or {@code canInvoke} on
 * {@code hawtio:type=security,...}), and Camel's {@code dump...} operations on a context or a route (the route
 * definitions and statistics behind the route diagram and source views; the routes hold no secrets). Not Camel's
 * tracer or debugger dumps: those carry message bodies, which may hold personal data.
 *
 * <p>Why not Jolokia's own restrictor: its policy files know MBeans and operations, not the caller's role.
 */
final class JolokiaOperationGuard extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(JolokiaOperationGuard.class);
    private static final Set<String> READING = Set.of("read", "list", "search", "version");
    /** Hawtio's RBAC registry: the JMX tree with what may be invoked. */
    private static final Set<String> HAWTIO_SECURITY_QUERIES = Set.of("list", "canInvoke");
    /** Camel MBeans whose dump operations render definitions and statistics only. */
    private static final Set<String> CAMEL_DUMPABLE_TYPES = Set.of("context", "routes");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A Jolokia POST is a handful of small JSON requests; a bigger body is refused rather than buffered. */
    private static final int MAX_BODY_BYTES = 1 << 20;

    private final List<String> jolokiaPaths;

    /** @param jolokiaPaths path prefixes served by Jolokia, e.g. /actuator/jolokia and Hawtio's forward to it */
    JolokiaOperationGuard(List<String> jolokiaPaths) {
        this.jolokiaPaths = List.copyOf(jolokiaPaths);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return jolokiaPaths.stream().noneMatch(prefix -> path.equals(prefix) || path.startsWith(prefix + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.isUserInRole(Roles.OPERATOR)) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletRequest forwarded = request;
        List<String> types;
        if ("POST".equalsIgnoreCase(request.getMethod())) {
            byte[] body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                SecurityProblems.write(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "jolokia-too-large",
                        "Jolokia request too large", "A Jolokia request body is limited to 1 MiB.");
                return;
            }
            types = postTypes(body);
            forwarded = new CachedBodyRequest(request, body);
        } else {
            types = List.of(getType(request));
        }
        List<String> refused = types.stream().filter(type -> !READING.contains(type)).toList();
        if (!refused.isEmpty()) {
            // The user name and the operation type only: never the request body (it may carry written values).
            log.warn("Jolokia {} refused to {} (role VIEWER only): needs OPERATOR", refused,
                    request.getUserPrincipal() == null ? "anonymous" : request.getUserPrincipal().getName());
            SecurityProblems.write(response, HttpServletResponse.SC_FORBIDDEN, "operator-required",
                    "Operator role required",
                    "Jolokia " + String.join(", ", refused) + " changes the hub and needs the OPERATOR role; "
                            + "VIEWER may only read, list, search and ask the version.");
            return;
        }
        chain.doFilter(forwarded, response);
    }

    /** GET /jolokia/&lt;type&gt;/...; the path may also come as ?p=/&lt;type&gt;/...; no type is a version request. */
    private static String getType(HttpServletRequest request) {
        String pathParameter = request.getParameter("p");
        String rest;
        if (pathParameter != null) {
            rest = pathParameter;
        } else {
            String path = request.getRequestURI().substring(request.getContextPath().length());
            int jolokia = path.indexOf("/jolokia");
            rest = path.substring(jolokia + "/jolokia".length());
        }
        rest = URLDecoder.decode(rest, StandardCharsets.UTF_8);
        while (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        int slash = rest.indexOf('/');
        String type = (slash < 0 ? rest : rest.substring(0, slash)).toLowerCase(Locale.ROOT);
        return type.isEmpty() ? "version" : type;
    }

    /** The type of each request of a POST body; an unreadable body counts as an unknown type (refused). */
    private static List<String> postTypes(byte[] body) {
        List<String> types = new ArrayList<>();
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null) {
                return List.of("(empty body)");
            }
            for (JsonNode one : json.isArray() ? json : List.of(json)) {
                String type = one.path("type").asText("(no type)").toLowerCase(Locale.ROOT);
                if (type.equals("exec") || type.equals("write")) {
                    if (type.equals("exec") && isReadOnlyExec(one)) {
                        type = "read";
                    } else {
                        // Which MBean and operation or attribute, for the log and the answer; never the arguments
                        // or the written value.
                        type += " " + one.path("mbean").asText("?") + " "
                                + one.path(type.equals("exec") ? "operation" : "attribute").asText("?");
                    }
                }
                types.add(type);
            }
        } catch (IOException e) {
            types.add("(unreadable body)");
        }
        return types.isEmpty() ? List.of("(empty bulk)") : types;
    }

    private static boolean isReadOnlyExec(JsonNode request) {
        try {
            ObjectName mbean = new ObjectName(request.path("mbean").asText(""));
            String operation = request.path("operation").asText("");
            int parenthesis = operation.indexOf('(');
            String name = parenthesis < 0 ? operation : operation.substring(0, parenthesis);
            if (mbean.isPattern()) {
                return false;
            }
            String type = mbean.getKeyProperty("type");
            return "hawtio".equals(mbean.getDomain()) && "security".equals(type)
                    && HAWTIO_SECURITY_QUERIES.contains(name)
                    || "org.apache.camel".equals(mbean.getDomain()) && CAMEL_DUMPABLE_TYPES.contains(type)
                    && name.startsWith("dump");
        } catch (MalformedObjectNameException e) {
            return false;
        }
    }

    /** The request with its body read once and served again to Jolokia. */
    private static final class CachedBodyRequest extends HttpServletRequestWrapper {

        private final byte[] body;

        CachedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(),
                    getCharacterEncoding() == null ? StandardCharsets.UTF_8
                            : java.nio.charset.Charset.forName(getCharacterEncoding())));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
