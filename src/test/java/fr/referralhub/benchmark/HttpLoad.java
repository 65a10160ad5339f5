package fr.referralhub.benchmark;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * An HTTP load generator: partners posting unique events to one intake URI over a fixed number of keep-alive
 * HTTP/1.1 connections, each answer checked (202 ACCEPTED, or RECEIVED when answered on receipt). Two ways:
 * <ul>
 *   <li>{@link #closedLoop}: every connection sends its next request as soon as the previous one is answered, so
 *       exactly that many requests are in flight: throughput at that concurrency, latency = sent to answered;</li>
 *   <li>{@link #openLoop}: requests are due at a fixed rate whatever the answers do, and each latency is measured from
 *       the time the request was due, not from when a free connection could send it. A server that stalls therefore
 *       shows its stall in the latency of every request that waited behind it (no coordinated omission).</li>
 * </ul>
 *
 * <p>Why plain sockets and a thread per connection, not the JDK's HttpClient: the HttpClient pools its HTTP/1.1
 * connections as it sees fit (it opens one per concurrent request, and how many it keeps is a system property), so
 * "64 connections" would be a hope, not a setting. Here a connection is one socket, owned by one thread, with one
 * request in flight: the server sees exactly N connections, as from N partner systems. A thread blocked on its
 * socket costs no CPU, so 256 of them load the 2 cores the server shares with them less than an HTTP client library
 * would; a few NIO selectors would save their stacks, but not CPU, at the price of a hand-written state machine. The
 * HTTP spoken is the little the two servers need: a POST with Content-Length, and an answer with Content-Length or
 * chunked, the connection closed when the server says so (Tomcat does after 100 requests) and opened again.
 */
final class HttpLoad {

    /** CPU time spent by every load generator thread that has ended, all loads together (see {@link CpuShares}). */
    static final LongAdder LOAD_CPU_NANOS = new LongAdder();


    /** A request sent more than this after it was due waited for a free connection (open loop). */
    private static final long LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final URI uri;
    private final Duration timeout;
    /** Request headers besides the key and the body's (e.g. {@code Prefer: respond-async}), in HTTP form. */
    private final String extraHeaders;
    /** Requests sent late in the last open-loop run. */
    private final LongAdder late = new LongAdder();

    HttpLoad(URI uri, Duration timeout) {
        this(uri, timeout, "");
    }

    /** @param header a request header every request carries, as {@code Name: value} */
    HttpLoad(URI uri, Duration timeout, String header) {
        this.uri = uri;
        this.timeout = timeout;
        this.extraHeaders = header.isEmpty() ? "" : header + "\r\n";
    }

    /** Posts every body over {@code connections} connections, each request sent when its connection is free. */
    StageResult closedLoop(String label, List<byte[]> bodies, int connections) {
        return run(label, bodies, connections, 0);
    }

    /**
     * Posts every body at {@code rate} requests a second over up to {@code connections} connections; latency is
     * counted from when each request was due.
     */
    StageResult openLoop(String label, List<byte[]> bodies, int rate, int connections) {
        return run(label, bodies, connections, rate);
    }

    /** How many requests of the last open-loop run were sent late, every connection being busy. */
    long lateSends() {
        return late.sum();
    }

    private StageResult run(String label, List<byte[]> bodies, int connections, int rate) {
        int count = bodies.size();
        List<byte[]> requests = bodies.stream().map(this::request).toList();
        long[] latency = new long[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        AtomicReference<String> refused = new AtomicReference<>();
        CountDownLatch connected = new CountDownLatch(connections);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(connections);
        long[] start = new long[1];
        late.reset();
        List<Connection> open = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Connection connection = new Connection();
            open.add(connection);
            Thread thread = new Thread(() -> {
                try {
                    try {
                        connection.open();
                    } finally {
                        // Failed or not: the run does not wait for this connection any more.
                        connected.countDown();
                    }
                    go.await();
                    int i;
                    while (refused.get() == null && (i = next.getAndIncrement()) < count) {
                        long sent;
                        if (rate > 0) {
                            long due = start[0] + (long) (i * 1e9 / rate);
                            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                                LockSupport.parkNanos(wait);
                            }
                            if (System.nanoTime() - due > LATE_NANOS) {
                                late.increment();
                            }
                            sent = due;
                        } else {
                            sent = System.nanoTime();
                        }
                        String problem = connection.post(requests.get(i));
                        latency[i] = System.nanoTime() - sent;
                        answered.incrementAndGet();
                        if (problem != null) {
                            refused.compareAndSet(null, "request " + i + " " + problem);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException | RuntimeException e) {
                    refused.compareAndSet(null, "failed: " + e);
                } finally {
                    connection.close();
                    // Counted before the thread ends, when the JVM stops knowing it (CpuShares).
                    LOAD_CPU_NANOS.add(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                    finished.countDown();
                }
            }, "benchmark-http-" + c);
            thread.setDaemon(true);
            thread.start();
        }
        try {
            if (!connected.await(30, TimeUnit.SECONDS)) {
                throw new StageFailure(label + ": could not open " + connections + " connections to " + uri);
            }
            // Every connection is open before the clock starts: connecting is not part of the measurement.
            start[0] = System.nanoTime();
            go.countDown();
            if (!finished.await(timeout.toSeconds(), TimeUnit.SECONDS)) {
                open.forEach(Connection::close);
                throw new StageFailure(label + " did not finish: " + answered.get() + " of " + count
                        + " requests answered within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            open.forEach(Connection::close);
            throw new StageFailure(label + " interrupted");
        }
        long elapsed = System.nanoTime() - start[0];
        if (refused.get() != null) {
            throw new StageFailure(label + ": " + refused.get());
        }
        return new StageResult(label, count, elapsed, latency, rate);
    }

    /** The whole request, built before the run: nothing but writing it is measured. */
    private byte[] request(byte[] body) {
        String head = String.format(Locale.ROOT, "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                        + "Authorization: Bearer %s\r\n%sContent-Length: %d\r\n\r\n",
                uri.getRawPath(), uri.getHost(), uri.getPort(), BenchmarkData.PARTNER_API_KEY, extraHeaders,
                body.length);
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return request;
    }

    /** One keep-alive connection, one request at a time. */
    private final class Connection {

        /** Volatile: a run that timed out closes it from another thread, to free its own. */
        private volatile Socket socket;
        private InputStream in;
        private OutputStream out;
        /** Requests answered on the current socket: a closed idle socket is opened again only after one. */
        private int used;

        void open() throws IOException {
            Socket opened = new Socket();
            opened.setTcpNoDelay(true);
            opened.setSoTimeout((int) timeout.toMillis());
            opened.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            socket = opened;
            in = new BufferedInputStream(opened.getInputStream(), 8192);
            out = opened.getOutputStream();
            used = 0;
        }

        /** @return null when the event was accepted, else what went wrong */
        String post(byte[] request) throws IOException {
            if (socket == null) {
                open();
            }
            String statusLine;
            try {
                out.write(request);
                out.flush();
                statusLine = readLine();
            } catch (IOException e) {
                if (used == 0) {
                    throw e;
                }
                // The server closed this kept-alive connection before reading the request: send it on a new one.
                close();
                open();
                out.write(request);
                out.flush();
                statusLine = readLine();
            }
            Answer answer = readAnswer(statusLine);
            used++;
            if (answer.close()) {
                close();
            }
            if (answer.status() != 202 || !(answer.body().contains("\"ACCEPTED\"")
                    || answer.body().contains("\"RECEIVED\""))) {
                return "got " + answer.status() + " " + answer.body();
            }
            return null;
        }

        private record Answer(int status, String body, boolean close) {
        }

        private Answer readAnswer(String statusLine) throws IOException {
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
                throw new IOException("not an HTTP/1.x status line: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            boolean close = statusLine.startsWith("HTTP/1.0");
            long length = -1;
            boolean chunked = false;
            for (String header = readLine(); !header.isEmpty(); header = readLine()) {
                int colon = header.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim();
                String value = header.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                } else if (name.equalsIgnoreCase("Connection")) {
                    close = value.equalsIgnoreCase("close");
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                for (int size = chunkSize(readLine()); size > 0; size = chunkSize(readLine())) {
                    body.write(in.readNBytes(size));
                    readLine();
                }
                // Trailers, then the empty line that ends the answer.
                while (!readLine().isEmpty()) {
                    // skipped
                }
            } else if (length >= 0) {
                byte[] bytes = in.readNBytes((int) length);
                if (bytes.length < length) {
                    throw new EOFException("answer body cut short");
                }
                body.write(bytes);
            } else {
                body.write(in.readAllBytes());
                close = true;
            }
            return new Answer(status, body.toString(StandardCharsets.UTF_8), close);
        }

        private int chunkSize(String line) {
            int extension = line.indexOf(';');
            return Integer.parseInt((extension < 0 ? line : line.substring(0, extension)).trim(), 16);
        }

        /** One line of the answer's head, without its CRLF. */
        private String readLine() throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new EOFException("connection closed by the server");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        void close() {
            Socket closing = socket;
            socket = null;
            if (closing != null) {
                try {
                    closing.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}
