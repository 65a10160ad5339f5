package fr.referralhub.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import fr.referralhub.intake.EmploymentAgencyEventReader;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The HTTP server defends itself against slow and greedy clients (issue 18), on the real hub over raw sockets: clients
 * that send their headers and then stall the body leave a partner answered well before the body timeout, each is
 * dropped after it, one address gets 429 past its requests in progress, and a body over the partner API's limit is refused
 * without being read (413), by its Content-Length or, chunked, once it passes the limit.
 *
 * <p>The stalling client and the partner use two loopback addresses (the server listens on all of them), as an
 * attacker and a partner do.
 */
@HubTest
class SlowClientsTest {

    private static final String STALLING_CLIENT = "127.0.0.1";
    private static final String PARTNER_CLIENT = "127.0.0.2";
    private static final Duration ANSWERED_AT_ONCE = Duration.ofSeconds(2);

    @LocalServerPort
    int port;
    @Autowired
    HttpLimitsProperties limits;

    private final List<Socket> opened = new ArrayList<>();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    /** Closes what a test left open, and waits until the stalling address is served again (tests share the hub). */
    @AfterEach
    void closeConnections() throws IOException {
        for (Socket socket : opened) {
            socket.close();
        }
        await("the stalling address counted out").atMost(Duration.ofSeconds(30)).until(() -> {
            Socket probe = connect(STALLING_CLIENT);
            send(probe, "GET /api/v1/referrals/unknown-" + run + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + PartnerApi.FRANCE_TRAVAIL_93 + "\r\nConnection: close\r\n\r\n");
            return read(probe, ANSWERED_AT_ONCE).status() == 404;
        });
    }

    @Test
    void shouldAnswerAPartnerBeforeTheBodyTimeoutWhileThirtyTwoConnectionsStallTheirBodies() throws Exception {
        // Warm-up: the first event of a fresh hub pays for client connections and schema look-ups.
        assertThat(postEvent("SLOW-WARMUP-" + run).status()).isEqualTo(202);

        List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < Math.max(32, limits.maxRequestsPerClient()); i++) {
            stalled.add(stallBody());
        }
        // Every one is in progress once Tomcat has read its headers: the address's next request is refused at once.
        await("the stalled requests in progress").atMost(Duration.ofSeconds(10)).until(() -> {
            Socket probe = stallBody();
            Answer answer = read(probe, ANSWERED_AT_ONCE);
            if (answer.status() != 429) {
                stalled.add(probe);
                return false;
            }
            assertThat(answer.text()).contains("application/problem+json", "too-many-requests", "Retry-After");
            assertThat(answer.closed()).as("connection closed after the 429").isTrue();
            return true;
        });
        // A read another hub instance forwards is not counted: all of that instance's callers share its address. It
        // is answered at once (401 here, unsigned).
        Socket peer = connect(STALLING_CLIENT);
        send(peer, "GET /internal/v1/referral-state/referrals/unknown-" + run
                + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(read(peer, ANSWERED_AT_ONCE).status()).as("a peer's read from a busy address").isEqualTo(401);
        // The same path with a body to trickle is counted like any request: refused at once.
        Socket trickling = connect(STALLING_CLIENT);
        send(trickling, "GET /internal/v1/referral-state/referrals/unknown-" + run
                + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n");
        opened.add(trickling);
        assertThat(read(trickling, ANSWERED_AT_ONCE).status()).as("a body under the peer path").isEqualTo(429);

        long sent = System.nanoTime();
        Answer partner = postEvent("SLOW-" + run);
        Duration took = Duration.ofNanos(System.nanoTime() - sent);

        assertThat(partner.status()).as(partner.text()).isEqualTo(202);
        // Starved of threads, the partner would wait for the stalled bodies' timeout: half of it leaves room for a
        // loaded machine's ledger commit and still catches that.
        assertThat(took).as("partner answered while %d connections stall", stalled.size())
                .isLessThan(limits.bodyTimeout().dividedBy(2));

        // Each stalled request is given up after the body timeout: 408 (when the client still reads) and closed.
        long deadline = System.nanoTime() + limits.bodyTimeout().plusSeconds(10).toNanos();
        for (Socket socket : stalled) {
            Answer dropped = read(socket, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            assertThat(dropped.closed()).as("stalled connection closed by the hub").isTrue();
            assertThat(dropped.status()).as(dropped.text()).isIn(408, Answer.NONE);
        }
    }

    @Test
    void shouldRefuseABodyOverTheLimitByItsContentLengthWithoutReadingIt() throws Exception {
        Socket socket = connect(PARTNER_CLIENT);
        send(socket, "POST /api/v1/referrals HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1073741824\r\n\r\n");

        Answer answer = read(socket, ANSWERED_AT_ONCE);

        assertThat(answer.status()).as(answer.text()).isEqualTo(413);
        assertThat(answer.text()).contains("application/problem+json", "request-too-large");
        assertThat(answer.closed()).as("connection closed, the gigabyte never read").isTrue();
    }

    @Test
    void shouldCutAChunkedBodyOffOnceItPassesTheLimit() throws Exception {
        Socket socket = connect(PARTNER_CLIENT);
        send(socket, "POST /api/v1/referrals HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");
        // Chunks up to one byte past the limit, and no last chunk: the hub must stop reading by itself.
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) ' ');
        int sent = 0;
        OutputStream out = socket.getOutputStream();
        while (sent <= EmploymentAgencyEventReader.MAX_BYTES) {
            int size = Math.min(chunk.length, EmploymentAgencyEventReader.MAX_BYTES + 1 - sent);
            out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(chunk, 0, size);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            sent += size;
        }
        out.flush();

        Answer answer = read(socket, ANSWERED_AT_ONCE);

        assertThat(answer.status()).as(answer.text()).isEqualTo(413);
        assertThat(answer.text()).contains("application/problem+json", "request-too-large");
        assertThat(answer.closed()).isTrue();
    }

    /** A partner event posted from the partner's address, as a client that sends it whole. */
    private Answer postEvent(String eventId) throws IOException {
        byte[] body = Samples.text("employment-agency/ft-orientation-emile.json")
                .replace("FT-93048-2026-11-000877", eventId).getBytes(StandardCharsets.UTF_8);
        Socket socket = connect(PARTNER_CLIENT);
        send(socket, "POST /api/v1/referrals HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + PartnerApi.FRANCE_TRAVAIL_93 + "\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n");
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
        return read(socket, Duration.ofSeconds(30));
    }

    /** Headers of a partner event (no key needed to stall), then nothing of its body. */
    private Socket stallBody() throws IOException {
        Socket socket = connect(STALLING_CLIENT);
        send(socket, "POST /api/v1/referrals HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000\r\n\r\n");
        return socket;
    }

    private Socket connect(String from) throws IOException {
        Socket socket = new Socket();
        opened.add(socket);
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** What the hub answered, read until it closed the connection or {@code within} passed. */
    private static Answer read(Socket socket, Duration within) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + within.toNanos();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        boolean closed = false;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
                int read = in.read(buffer);
                if (read < 0) {
                    closed = true;
                    break;
                }
                answer.write(buffer, 0, read);
            }
        } catch (SocketTimeoutException stillOpen) {
            // closed stays false
        } catch (IOException reset) {
            closed = true;
        }
        return new Answer(answer.toString(StandardCharsets.UTF_8), closed);
    }

    /** The raw answer; its status, or {@link #NONE} when the hub sent nothing. */
    private record Answer(String text, boolean closed) {

        static final int NONE = -1;

        int status() {
            return text.startsWith("HTTP/1.1 ") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : NONE;
        }
    }
}
