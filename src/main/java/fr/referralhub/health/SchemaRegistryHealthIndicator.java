package fr.referralhub.health;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;

import fr.referralhub.schemaregistry.SchemaRegistryClient;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * {@code schemaRegistry} in /actuator/health/readiness: the registry answers {@code GET /config} (small, present on
 * every Confluent-compatible registry, unlike /subjects which grows with the registry) with 200 within the timeout.
 */
final class SchemaRegistryHealthIndicator implements HealthIndicator {

    private final String url;
    private final HealthProperties properties;
    private final HttpClient http;
    private final CachedHealth cached;

    SchemaRegistryHealthIndicator(String url, HealthProperties properties, Clock clock) {
        this.url = url.replaceAll("/+$", "");
        this.properties = properties;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.timeout()).build();
        this.cached = new CachedHealth(this::check, properties.cacheFor(), clock);
    }

    @Override
    public Health health() {
        return cached.get();
    }

    private Health check() {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/config"))
                    .timeout(properties.timeout())
                    .header("Accept", SchemaRegistryClient.CONTENT_TYPE)
                    .GET().build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            Health.Builder health = response.statusCode() == 200 ? Health.up() : Health.down();
            return health.withDetail("url", url).withDetail("status", response.statusCode()).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down().withDetail("url", url).withDetail("error", "interrupted").build();
        } catch (IOException | RuntimeException e) {
            return Health.down().withDetail("url", url)
                    .withDetail("error", e.getClass().getSimpleName() + (e.getMessage() == null ? ""
                            : ": " + e.getMessage())).build();
        }
    }
}
