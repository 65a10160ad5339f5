package fr.referralhub.benchmark;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A few partners posting events at once: {@code clients} threads, each sending its next request as soon as the
 * previous one is answered (closed loop), over one keep-alive HTTP/1.1 client. Latency = request sent to answer read.
 */
final class HttpLoad implements AutoCloseable {

    private final URI uri;
    private final int clients;
    private final Duration timeout;
    private final HttpClient http;
    private final ExecutorService pool;

    HttpLoad(URI uri, int clients, Duration timeout) {
        this.uri = uri;
        this.clients = clients;
        this.timeout = timeout;
        this.pool = Executors.newFixedThreadPool(clients, r -> {
            Thread thread = new Thread(r, "benchmark-http-client");
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Posts every body and expects 202 ACCEPTED for each (they are all new events). */
    StageResult run(String label, List<byte[]> bodies) {
        int count = bodies.size();
        long[] latency = new long[count];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<String> refused = new AtomicReference<>();
        AtomicInteger answered = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(clients);
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            pool.execute(() -> {
                try {
                    int i;
                    while (refused.get() == null && (i = next.getAndIncrement()) < count) {
                        long sent = System.nanoTime();
                        String problem = post(bodies.get(i));
                        latency[i] = System.nanoTime() - sent;
                        answered.incrementAndGet();
                        if (problem != null) {
                            refused.compareAndSet(null, "request " + i + " " + problem);
                        }
                    }
                } finally {
                    finished.countDown();
                }
            });
        }
        try {
            if (!finished.await(timeout.toSeconds(), TimeUnit.SECONDS)) {
                throw new StageFailure(label + " did not finish: " + answered.get() + " of " + count
                        + " requests answered within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageFailure(label + " interrupted");
        }
        long elapsed = System.nanoTime() - start;
        if (refused.get() != null) {
            throw new StageFailure(label + ": " + refused.get());
        }
        return new StageResult(label, count, elapsed, latency, 0);
    }

    /** @return null when the event was accepted, else what went wrong */
    private String post(byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + BenchmarkData.PARTNER_API_KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202 || !response.body().contains("\"ACCEPTED\"")) {
                return "got " + response.statusCode() + " " + response.body();
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return "failed: " + e;
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
