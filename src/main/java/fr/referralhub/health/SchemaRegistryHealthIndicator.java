package fr.referralhub.health;

import java.time.Clock;

import fr.referralhub.schemaregistry.SchemaRegistryClient;
import fr.referralhub.schemaregistry.SchemaRegistryException;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * {@code schemaRegistry} in /actuator/health/readiness: the registry answers {@code GET /config} (small, present on
 * every Confluent-compatible registry, unlike /subjects which grows with the registry) with 200 within the timeout.
 * It asks with the hub's credentials: a registry with basic auth (Confluent's) refuses anonymous reads, and a 401
 * means the hub cannot read its schemas either.
 */
final class SchemaRegistryHealthIndicator implements HealthIndicator {

    private final SchemaRegistryClient registry;
    private final CachedHealth cached;

    /** @param userInfo {@code user:password}, or null for an open registry */
    SchemaRegistryHealthIndicator(String url, String userInfo, HealthProperties properties, Clock clock) {
        // Its own client, not the shared one: the health timeout is not the serdes'.
        this.registry = new SchemaRegistryClient(url, userInfo, properties.timeout());
        this.cached = new CachedHealth(this::check, properties.cacheFor(), clock);
    }

    @Override
    public Health health() {
        return cached.get();
    }

    private Health check() {
        Health.Builder health;
        try {
            registry.compatibility(null);
            health = Health.up().withDetail("status", 200);
        } catch (SchemaRegistryException e) {
            health = e.getHttpStatus() == SchemaRegistryException.NO_RESPONSE
                    ? Health.down().withDetail("error", e.getMessage())
                    : Health.down().withDetail("status", e.getHttpStatus());
        } catch (RuntimeException e) {
            health = Health.down().withDetail("error", e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        return health.withDetail("url", registry.baseUrl()).build();
    }
}
