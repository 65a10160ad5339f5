package fr.referralhub.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import fr.referralhub.intake.InvalidPartnerEventException;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The HTTP intake's baseline: the JDK's own HTTP server doing, per request, the work the hub's intake must do before
 * it may answer, and nothing else:
 * <ol>
 *   <li>the API key checked by its SHA-256, as the partner registry does;</li>
 *   <li>the partner's JSON parsed and validated field by field, ids derived, the NIR replaced by its keyed pseudonym,
 *       the canonical record built ({@link BenchmarkData#canonical}: the hub's own reader and pseudonymiser);</li>
 *   <li>the record Avro-encoded and sent with acks=all (the hub's producer settings, one producer shared by every
 *       request, as the intake shares its own);</li>
 *   <li>202 only once the broker has acknowledged it, 503 when it has not, 422 for an invalid event.</li>
 * </ol>
 * What it leaves out is what the hub adds on purpose: the referral state's transaction, which de-duplicates across
 * instances and publishes, decides and routes the event before the partner is answered (docs/referral-state.md), and
 * Camel, Spring and the servlet container. The ratio of the two says what those cost.
 *
 * <p>Its requests run on a fixed pool as large as the one the hub runs its HTTP routes on
 * ({@code server.tomcat.threads.max}): both then have as many requests waiting on the broker at once.
 */
final class HttpBaseline implements AutoCloseable {

    static final String PATH = "/api/v1/referrals";
    private static final long SEND_TIMEOUT_SECONDS = 10;

    private final HttpServer server;
    private final ExecutorService workers;
    private final KafkaProducer<String, Object> producer;
    private final BenchmarkData data;
    private final String topic;
    private final String apiKeyHash = PartnerRegistry.sha256(BenchmarkData.PARTNER_API_KEY);

    HttpBaseline(String bootstrapServers, SchemaRegistryProperties registry, String topic, BenchmarkData data,
                 int threads)
            throws IOException {
        this.data = data;
        this.topic = topic;
        this.producer = PlainStage.avroProducer(bootstrapServers, registry, "benchmark-http-baseline", Map.of());
        AtomicInteger threadNumber = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "baseline-http-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        // A backlog as large as the connections the load opens at once, so none is refused while they connect.
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        server.createContext(PATH, this::handle);
        server.setExecutor(workers);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.startsWith("Bearer ")
                    || !apiKeyHash.equals(PartnerRegistry.sha256(authorization.substring(7).strip()))) {
                answer(exchange, 401, "{\"status\":401}");
                return;
            }
            BenchmarkData.Keyed canonical;
            try {
                canonical = data.canonical(body);
            } catch (InvalidPartnerEventException e) {
                answer(exchange, 422, "{\"status\":422}");
                return;
            }
            try {
                producer.send(new ProducerRecord<>(topic, canonical.key(), canonical.event()))
                        .get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                answer(exchange, 503, "{\"status\":503}");
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer(exchange, 503, "{\"status\":503}");
                return;
            }
            answer(exchange, 202, "{\"referralId\":\"" + canonical.event().getReferralId() + "\",\"status\":\"ACCEPTED\"}");
        } finally {
            exchange.close();
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
