package fr.referralhub.http;

import java.io.IOException;

import fr.referralhub.api.ProblemDetails;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.coyote.ActionCode;

/** A refusal answered before the request's body is read (or after giving up on it), and the connection closed. */
final class UnreadBodyRefusal {

    private UnreadBodyRefusal() {
    }

    /**
     * Answers the problem and has Tomcat close the connection afterwards instead of reading ("swallowing") the rest of
     * the body to keep the connection alive: from a client that stalls, or sends a gigabyte, that read would hold a
     * thread as long as the client likes.
     */
    static void answer(Request request, Response response, int status, String type, String title, String detail) {
        request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
        try {
            ProblemDetails.write(response, status, type, title, detail);
            // Committed now: the host's error report (api.ProblemReportValve) leaves a committed answer alone, where
            // it would replace a buffered one with its generic problem for the status.
            response.flushBuffer();
        } catch (IOException | IllegalStateException gone) {
            // The client is gone or its connection broken (a read that timed out): the closing is all it gets.
        }
    }
}
