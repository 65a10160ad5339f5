package fr.referralhub.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Decides, before any bean exists, whether the hub runs on its embedded platform.
 *
 * <p>When {@code hub.kafka.bootstrap-servers} (env {@code KAFKA_BOOTSTRAP_SERVERS}) is empty, the embedded broker
 * is switched on and its address becomes the bootstrap servers; the same for {@code hub.schema-registry.url}
 * (env {@code SCHEMA_REGISTRY_URL}). Doing it here means every other component reads one resolved address and
 * never needs to know whether the platform is embedded. Port 0 is resolved to a free port now, so the address is
 * known before the servers start.
 *
 * <p>With operator security on ({@code hub.security.enabled}, every profile but dev), the embedded registry wants HTTP
 * Basic on every request (an anonymous {@code PUT /config} could change every subject's compatibility; see
 * {@link EmbeddedPlatform} for who reads and who writes): the password of its writer {@code hub} is
 * {@code hub.embedded.schema-registry.write-password} ({@code HUB_SCHEMA_REGISTRY_WRITE_PASSWORD}), or a random one for
 * this run when none is given (only the hub itself, and the operators' principal, write then). The hub's own clients get it like the registry's address, as a resolved property:
 * {@code hub.schema-registry.basic-auth-user-info}, which every serde and client of the hub is configured with
 * ({@code SchemaRegistryProperties}).
 */
public class EmbeddedPlatformEnvironment implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY_SOURCE = "referral-hub-embedded-platform";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        Map<String, Object> resolved = new LinkedHashMap<>();
        if (env.getProperty("hub.kafka.bootstrap-servers", "").isBlank()) {
            String host = env.getProperty("hub.embedded.kafka.host", "localhost");
            int port = resolvePort(env.getProperty("hub.embedded.kafka.port", Integer.class, 9092));
            int controllerPort = resolvePort(env.getProperty("hub.embedded.kafka.controller-port", Integer.class, 9093));
            resolved.put("hub.embedded.kafka.enabled", true);
            resolved.put("hub.embedded.kafka.port", port);
            resolved.put("hub.embedded.kafka.controller-port", controllerPort);
            resolved.put("hub.kafka.bootstrap-servers", host + ":" + port);
            // The hub's own listener, on the loopback, takes it without a login (its super user): the settings of a
            // secured cluster (hub.kafka.security.*, hub.kafka.sasl.*) are for brokers KAFKA_BOOTSTRAP_SERVERS names.
            resolved.put("hub.kafka.security.protocol", "PLAINTEXT");
            if (env.getProperty("hub.referral-state.instance-id", "").isBlank()) {
                // The embedded broker is this process's own, so no other live instance can share the name: restarted
                // on its data directory, the hub takes its partitions back at once instead of waiting for the stopped
                // member's session to expire (ReferralState), 6-8 s of its ready time.
                resolved.put("hub.referral-state.instance-id", "embedded-hub");
            }
            if (env.getProperty("hub.kafka-access.enabled", Boolean.class, false)) {
                // The listener partners, services and operators use, with their own credentials.
                int partnerPort = resolvePort(env.getProperty("hub.embedded.kafka.partner-port", Integer.class, 9094));
                resolved.put("hub.embedded.kafka.partner-port", partnerPort);
                resolved.put("hub.kafka-access.bootstrap-servers", host + ":" + partnerPort);
            }
        }
        if (env.getProperty("hub.schema-registry.url", "").isBlank()) {
            String host = env.getProperty("hub.embedded.schema-registry.host", "localhost");
            int port = resolvePort(env.getProperty("hub.embedded.schema-registry.port", Integer.class, 8081));
            resolved.put("hub.embedded.schema-registry.enabled", true);
            resolved.put("hub.embedded.schema-registry.port", port);
            resolved.put("hub.schema-registry.url", "http://" + host + ":" + port);
            if (env.getProperty("hub.security.enabled", Boolean.class, true)) {
                String password = env.getProperty("hub.embedded.schema-registry.write-password", "");
                if (password.isBlank()) {
                    byte[] random = new byte[24];
                    RANDOM.nextBytes(random);
                    password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                }
                resolved.put("hub.embedded.schema-registry.write-password", password);
                // The hub's own registry knows only this user: credentials configured for another registry would
                // be refused by it.
                resolved.put("hub.schema-registry.basic-auth-user-info",
                        EmbeddedPlatformProperties.SchemaRegistry.WRITER + ":" + password);
            }
        }
        if (!resolved.isEmpty()) {
            env.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, resolved));
        }
    }

    private static int resolvePort(int configured) {
        if (configured != 0) {
            return configured;
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port for the embedded platform", e);
        }
    }

    /** After application.yaml and the environment are loaded, so their values decide. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
