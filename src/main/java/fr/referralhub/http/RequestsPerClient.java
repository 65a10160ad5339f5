package fr.referralhub.http;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * At most {@code max} requests of one client address in progress at once; the next gets 429 problem+json at once,
 * with its body left unread. A request is in progress from its headers until its answer is written, which for the
 * partner API (answered asynchronously) is after this valve returned: it then leaves when its async cycle completes.
 *
 * <p>So one client that opens connections and stalls can hold at most {@code max} of Tomcat's threads (each for at
 * most the body timeout, {@link PartnerRequestBodies}), never all of them. Counts live in this instance's heap and
 * only for addresses with requests in progress: the map is bounded by the requests being served, and nothing is read
 * from a topic or kept across requests. The limit is per instance on purpose: what it protects is this instance's
 * threads; with N instances behind a load balancer a client may have N times as many in progress in all, and a limit
 * for the whole deployment belongs to that load balancer (docs/partners.md).
 */
final class RequestsPerClient extends ValveBase {

    /**
     * Reads of the referral state forwarded by another hub instance: all of that instance's callers share its one
     * address, so a limit per address would turn one partner's burst there into 503s for every other caller whose
     * referral this instance owns. Only a GET without a body is spared, answered at once (401 without a peer's
     * signature): it cannot hold a thread.
     */
    private static final String PEER_READS = "/internal/v1/referral-state/";
    /** Marks a request counted: its async dispatches go through the valves again and must not count twice. */
    private static final String COUNTED = RequestsPerClient.class.getName() + ".counted";

    private final int max;
    private final Map<String, Integer> inProgress = new ConcurrentHashMap<>();

    RequestsPerClient(int max) {
        super(true);
        this.max = max;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (request.getAttribute(COUNTED) != null || isPeerRead(request)) {
            getNext().invoke(request, response);
            return;
        }
        String client = request.getRemoteAddr();
        if (!enter(client)) {
            response.setHeader("Retry-After", "1");
            UnreadBodyRefusal.answer(request, response, 429, "too-many-requests", "Too many requests at once",
                    "This address already has " + max + " requests in progress: send the next one when an answer "
                            + "comes.");
            return;
        }
        request.setAttribute(COUNTED, Boolean.TRUE);
        Leave leave = new Leave(client);
        try {
            getNext().invoke(request, response);
        } finally {
            leaveWhenAnswered(request, leave);
        }
    }

    /** Without a body, so that no one can trickle one past the limit under this path (Tomcat would read it). */
    private static boolean isPeerRead(Request request) {
        return "GET".equals(request.getMethod()) && request.getRequestURI().startsWith(PEER_READS)
                && request.getContentLengthLong() <= 0 && request.getHeader("Transfer-Encoding") == null;
    }

    private void leaveWhenAnswered(Request request, Leave leave) {
        if (request.isAsync()) {
            try {
                request.getAsyncContextInternal().addListener(leave);
                return;
            } catch (IllegalStateException alreadyOver) {
                // The async cycle ended meanwhile: the request is answered.
            }
        }
        leave.run();
    }

    /** Counts the request in; false (nothing counted) when the address is at its maximum. */
    private boolean enter(String client) {
        boolean[] admitted = {false};
        inProgress.compute(client, (address, count) -> {
            int now = count == null ? 0 : count;
            if (now >= max) {
                return count;
            }
            admitted[0] = true;
            return now + 1;
        });
        return admitted[0];
    }

    /** Counts one request of the address out, once, whichever of the async events comes first. */
    private final class Leave implements AsyncListener, Runnable {

        private final String client;
        private final AtomicBoolean left = new AtomicBoolean();

        Leave(String client) {
            this.client = client;
        }

        @Override
        public void run() {
            if (left.compareAndSet(false, true)) {
                inProgress.computeIfPresent(client, (address, count) -> count <= 1 ? null : count - 1);
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            run();
        }

        @Override
        public void onError(AsyncEvent event) {
            run();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // onComplete follows once the timeout is answered.
        }

        /** A new async cycle drops the listeners of the last one: stay for the new one. */
        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }
}
