package fr.referralhub.api;

import java.io.IOException;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The error page of the whole server, in place of Spring Boot's (an HTML "Whitelabel" page or a JSON of its own):
 * whatever refused a request without writing an answer (no handler: 404; a handler for another method: 405; a body
 * type it does not read: 415; a servlet that failed: 500...) ends here, and the caller reads the same
 * {@code application/problem+json} as every other refusal of the hub. Nothing of the request is echoed back: a path or
 * an exception message may hold what the caller sent.
 */
@RestController
public class ErrorProblems implements ErrorController {

    @RequestMapping("${server.error.path:${error.path:/error}}")
    public void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer number && number >= 400 ? number : 500;
        Answer answer = answerFor(status, request.getMethod());
        // The refused handler's headers (Allow of a 405) stay.
        ProblemDetails.write(response, status, answer.type(), answer.title(), answer.detail());
    }

    /** The type, title and detail of a refusal that is only known by its status. */
    public record Answer(String type, String title, String detail) {
    }

    /** What a bare status means to the caller; the same words for the error page and Tomcat's own reports. */
    public static Answer answerFor(int status, String method) {
        return switch (status) {
            case 400 -> new Answer("malformed-request", "Malformed request",
                    "The request line, a header or the body could not be read (e.g. a path that is not normalised, "
                            + "an encoded '/', '.' or line break).");
            case 404 -> new Answer("not-found", "Not found", "Nothing is served at this path.");
            case 405 -> new Answer("method-not-allowed", "Method not allowed",
                    "This path does not accept " + method + "; the Allow header lists what it accepts.");
            case 406 -> new Answer("not-acceptable", "Not acceptable",
                    "This path answers JSON (application/json or application/problem+json).");
            case 413 -> new Answer("request-too-large", "Request too large", "The request is larger than this path accepts.");
            case 415 -> new Answer("unsupported-media-type", "Unsupported media type",
                    "This path does not read a body of this Content-Type (send application/json in UTF-8).");
            case 503 -> new Answer("hub-unavailable", "Hub temporarily unavailable", "Retry later.");
            default -> status >= 500
                    ? new Answer("internal-error", "Internal error",
                            "The request failed inside the hub. Retry later; if it persists, tell the hub's operators when.")
                    : new Answer("refused-request", reason(status), "The request was refused (HTTP " + status + ").");
        };
    }

    private static String reason(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "Refused" : known.getReasonPhrase();
    }
}
