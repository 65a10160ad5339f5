package fr.referralhub.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

import fr.referralhub.api.CachedBodyRequest;
import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Reads the body of every partner API request ({@code /api/...}) whole, here in Tomcat's thread, before the request
 * goes on; the route then reads it from memory.
 *
 * <p>Why here: a few clients sending headers and then stalling their body once held every worker of the routes, and
 * every other partner waited (16 such connections made a normal request answer 503 after 30 s, when the routes ran on
 * a small pool of their own). Here a stalled body holds one of Tomcat's threads, for at most the body timeout
 * ({@code hub.http.body-timeout}: each read waits at most that long, and the whole body must have come by then, 408
 * otherwise), and one address holds at most
 * {@code hub.http.max-requests-per-client} of them ({@link RequestsPerClient}).
 *
 * <p>And bounded while it is read: a {@code Content-Length} above the limit is refused at once, unread (413), and a
 * chunked body is cut off as soon as it passes the limit, so a gigabyte is never read into memory. The limit is one
 * partner event's ({@code EmploymentAgencyEventReader.MAX_BYTES}); a status report's reader holds it to less.
 */
final class PartnerRequestBodies extends ValveBase {

    static final String PATH_PREFIX = "/api/";
    /** Marks a request whose body is read: its async dispatches go through the valves again. */
    private static final String READ = PartnerRequestBodies.class.getName() + ".read";

    private final int maxBytes;
    private final Duration timeout;

    PartnerRequestBodies(int maxBytes, Duration timeout) {
        super(true);
        this.maxBytes = maxBytes;
        this.timeout = timeout;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (request.getAttribute(READ) != null || !hasBody(request)
                || !request.getDecodedRequestURI().startsWith(PATH_PREFIX)) {
            getNext().invoke(request, response);
            return;
        }
        request.setAttribute(READ, Boolean.TRUE);
        byte[] body;
        try {
            body = request.getContentLengthLong() > maxBytes ? null : read(request.getInputStream());
        } catch (IOException tooSlowOrGone) {
            UnreadBodyRefusal.answer(request, response, 408, "request-timeout", "Request body too slow",
                    "The request body did not arrive within " + timeout.toSeconds() + " s: send it whole, "
                            + "without pausing.");
            return;
        }
        if (body == null) {
            UnreadBodyRefusal.answer(request, response, 413, "request-too-large", "Request too large",
                    "The partner API reads at most " + maxBytes + " bytes per request (one event).");
            return;
        }
        request.setRequest(new CachedBodyRequest(request.getRequest(), body));
        getNext().invoke(request, response);
    }

    private static boolean hasBody(Request request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    /**
     * The whole body, or null as soon as it is longer than the limit (the rest is never read).
     *
     * @throws IOException when a read waits longer than Tomcat's upload timeout, the body is not whole by the deadline,
     *                     or the client goes away
     */
    private byte[] read(InputStream in) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int read;
        while ((read = in.read(chunk)) != -1) {
            body.write(chunk, 0, read);
            if (body.size() > maxBytes) {
                return null;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new SocketTimeoutException("The body did not arrive whole within " + timeout);
            }
        }
        return body.toByteArray();
    }
}
