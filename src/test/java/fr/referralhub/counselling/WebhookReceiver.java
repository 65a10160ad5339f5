package fr.referralhub.counselling;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;

import com.sun.net.httpserver.HttpServer;
import fr.referralhub.counselling.webhook.WebhookSignature;

/**
 * A counselling service's webhook endpoint, in the test: a JDK HTTP server on a free port that checks each request's
 * signature as a real receiver would ({@link WebhookSignature#verify}) and answers the status the test chose for
 * that attempt (1 = first request), optionally only once {@link #release()} is called (a slow receiver).
 */
final class WebhookReceiver implements AutoCloseable {

    /** The dev profile's public secret (application-dev.yaml), named dev-webhook in subscriptions. */
    static final String DEV_SECRET = "dev-webhook-secret-public-do-not-use";

    /** One request as received. */
    record Received(Map<String, List<String>> headers, byte[] body, boolean signatureValid, Instant at) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch released;

    /**
     * @param statusOfAttempt status answered to the n-th request (1-based)
     * @param slow            whether each answer waits for {@link #release()}
     */
    WebhookReceiver(IntUnaryOperator statusOfAttempt, boolean slow) throws IOException {
        released = new CountDownLatch(slow ? 1 : 0);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean valid = WebhookSignature.verify(DEV_SECRET,
                    exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP),
                    exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE), body, Instant.now());
            received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), body, valid, Instant.now()));
            int status = statusOfAttempt.applyAsInt(received.size());
            try {
                // A receiver that takes its time; the test's latch, not a sleep.
                released.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.setExecutor(threads);
        server.start();
    }

    static WebhookReceiver answering(IntUnaryOperator statusOfAttempt) throws IOException {
        return new WebhookReceiver(statusOfAttempt, false);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    void release() {
        released.countDown();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        threads.shutdownNow();
    }
}
