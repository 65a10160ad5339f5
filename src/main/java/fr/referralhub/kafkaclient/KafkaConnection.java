package fr.referralhub.kafkaclient;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hub.kafka.*}: where the hub's own Kafka clients connect and how they log in. Every client the hub makes takes
 * its settings from here, through {@link #clientConfig} or {@link #withSecurity}, and nowhere else: Camel's and the
 * referral state's (fr.referralhub.provenance.HubKafkaClients), and the producers, consumers and admin clients of
 * topic provisioning, Kafka access, operations, health and the embedded registry's journal. So a cluster that wants
 * SASL (SCRAM or PLAIN) or TLS gets it from every one of them, or the hub does not start.
 *
 * <p>The password is never logged: {@link Sasl#toString()} hides it, and {@link #describe()} says only the protocol
 * and the principal ("SASL_SSL as hub").
 *
 * @param bootstrapServers the brokers (the embedded one's address when {@code KAFKA_BOOTSTRAP_SERVERS} is empty)
 * @param security         {@code protocol}: PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL
 * @param sasl             the hub's principal, with a SASL protocol
 * @param ssl              a truststore for the brokers' certificates, with SSL or SASL_SSL (else the JVM's)
 */
@ConfigurationProperties("hub.kafka")
public record KafkaConnection(String bootstrapServers, @DefaultValue Security security, @DefaultValue Sasl sasl,
                              @DefaultValue Ssl ssl) {

    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    /** The login module of each mechanism the hub can log in with (a user name and a password). */
    private static final Map<String, String> LOGIN_MODULES = Map.of(
            "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule",
            "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule",
            "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule");

    /** Checked as the configuration is bound: a SASL protocol without a principal stops the start, saying why. */
    public KafkaConnection {
        if (!PROTOCOLS.contains(security.protocol())) {
            throw new IllegalArgumentException("hub.kafka.security.protocol (HUB_KAFKA_SECURITY_PROTOCOL) '"
                    + security.protocol() + "' is none of " + PROTOCOLS);
        }
        if (security.isSasl()) {
            if (!LOGIN_MODULES.containsKey(sasl.mechanism())) {
                throw new IllegalArgumentException("hub.kafka.sasl.mechanism (HUB_KAFKA_SASL_MECHANISM) '"
                        + sasl.mechanism() + "' is none of " + LOGIN_MODULES.keySet());
            }
            if (isBlank(sasl.username()) || isBlank(sasl.password())) {
                throw new IllegalArgumentException("hub.kafka.security.protocol is " + security.protocol()
                        + ": set the hub's principal, HUB_KAFKA_SASL_USERNAME and HUB_KAFKA_SASL_PASSWORD");
            }
        }
    }

    /** A broker that takes anyone (tests, tools, the embedded broker's own listener). */
    public static KafkaConnection plaintext(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, new Security("PLAINTEXT"), new Sasl("SCRAM-SHA-512", null, null),
                new Ssl(null, null));
    }

    /** A new, modifiable client configuration: these settings, the brokers' address and the hub's login. */
    public Map<String, Object> clientConfig(Map<String, ?> settings) {
        Map<String, Object> config = new HashMap<>(settings);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return withSecurity(config);
    }

    /**
     * Adds the hub's login to a configuration that already names its brokers (Camel's, made from its component), over
     * whatever security settings it had.
     */
    public Map<String, Object> withSecurity(Map<String, Object> config) {
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, security.protocol());
        if (security.isSasl()) {
            config.put(SaslConfigs.SASL_MECHANISM, sasl.mechanism());
            config.put(SaslConfigs.SASL_JAAS_CONFIG, LOGIN_MODULES.get(sasl.mechanism()) + " required username=\""
                    + quoted(sasl.username()) + "\" password=\"" + quoted(sasl.password()) + "\";");
        }
        if (security.protocol().endsWith("SSL") && !isBlank(ssl.truststoreLocation())) {
            config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, ssl.truststoreLocation());
            if (!isBlank(ssl.truststorePassword())) {
                config.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, ssl.truststorePassword());
            }
        }
        return config;
    }

    /** How the hub connects, for logs and messages: "PLAINTEXT", "SASL_SSL as hub". Never the password. */
    public String describe() {
        return security.isSasl() ? security.protocol() + " as " + sasl.username() : security.protocol();
    }

    /** Inside the JAAS configuration's double quotes, where a backslash escapes. */
    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    /** @param protocol Kafka's {@code security.protocol} */
    public record Security(@DefaultValue("PLAINTEXT") String protocol) {

        boolean isSasl() {
            return protocol.startsWith("SASL_");
        }
    }

    /**
     * @param mechanism SCRAM-SHA-512 (default), SCRAM-SHA-256 or PLAIN (over SASL_SSL only: the password travels)
     * @param username  the hub's principal
     * @param password  its password; never logged
     */
    public record Sasl(@DefaultValue("SCRAM-SHA-512") String mechanism, String username, String password) {

        @Override
        public String toString() {
            return "Sasl[mechanism=" + mechanism + ", username=" + username + ", password=(hidden)]";
        }
    }

    /** @param truststoreLocation a JKS or PKCS12 file of the brokers' CA; its password is never logged */
    public record Ssl(String truststoreLocation, String truststorePassword) {

        @Override
        public String toString() {
            return "Ssl[truststoreLocation=" + truststoreLocation + ", truststorePassword=(hidden)]";
        }
    }
}
