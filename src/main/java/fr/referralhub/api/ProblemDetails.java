package fr.referralhub.api;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Exchange;

/** The {@code application/problem+json} body (RFC 9457) every API of the hub answers a refusal with. */
public final class ProblemDetails {

    /** Problem types are this URI plus the kind's type; it names them and is never fetched. */
    public static final String TYPE_BASE = "https://referral-hub.example/problems/";

    /** Problem bodies are maps of strings, numbers and lists: the plain mapper writes them alike everywhere. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProblemDetails() {
    }

    public static URI type(String type) {
        return URI.create(TYPE_BASE + type);
    }

    /** The body of a refusal, in the order clients read it: type, title, status, detail, errors. */
    public static Map<String, Object> body(int status, String type, String title, String detail,
                                           List<FieldError> errors) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", TYPE_BASE + type);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("errors", errors.stream().map(e -> Map.of("field", e.field(), "reason", e.reason())).toList());
        return problem;
    }

    /**
     * Turns a Camel exchange into the refusal's answer: status, content type, no request header echoed back (they may
     * carry a key), and the body.
     */
    public static Map<String, Object> answer(Exchange exchange, int status, String type, String title, String detail,
                                             List<FieldError> errors) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/problem+json");
        if (status == 401) {
            exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
        }
        return body(status, type, title, detail, errors);
    }

    /**
     * Writes a refusal on a servlet response, for what answers outside Camel and Spring MVC's controllers: security
     * filters, the firewall, the error page.
     */
    public static void write(HttpServletResponse response, int status, String type, String title, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        String problem = text(status, type, title, detail);
        try {
            response.getOutputStream().write(problem.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalStateException writerInUse) {
            // On an error page, the servlet that failed may already have asked for the writer.
            response.getWriter().write(problem);
        }
    }

    /** The body of {@link #write} as text, for Tomcat's own error reports (they write on a reporter). */
    public static String text(int status, String type, String title, String detail) {
        try {
            return JSON.writeValueAsString(body(status, type, title, detail, List.of()));
        } catch (IOException e) {
            throw new IllegalStateException("A problem body of plain values cannot fail to serialise", e);
        }
    }

    /** {@link #answer} for a {@link RefusedRequestException}. */
    public static Map<String, Object> answer(Exchange exchange, RefusedRequestException refusal, String detail) {
        ProblemKind kind = refusal.kind();
        return answer(exchange, kind.status(), kind.type(), kind.title(), detail, refusal.errors());
    }
}
