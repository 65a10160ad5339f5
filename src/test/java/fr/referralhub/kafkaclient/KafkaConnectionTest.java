package fr.referralhub.kafkaclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;

/** The hub's Kafka login as every one of its clients gets it, and what it never shows. */
class KafkaConnectionTest {

    private static final String PASSWORD = "pa\"ss\\word";

    @Test
    void shouldConnectWithoutLoginByDefault() {
        Map<String, Object> config = KafkaConnection.plaintext("kafka:9092")
                .clientConfig(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "g"));
        assertThat(config).containsEntry(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092")
                .containsEntry(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT")
                .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "g")
                .doesNotContainKeys(SaslConfigs.SASL_MECHANISM, SaslConfigs.SASL_JAAS_CONFIG);
    }

    @Test
    void shouldGiveEveryClientTheHubsScramLoginAndTruststore() {
        Map<String, Object> config = secured().clientConfig(Map.of());
        assertThat(config).containsEntry(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL")
                .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512")
                .containsEntry(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, "/etc/kafka/ca.p12")
                .containsEntry(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, "store-secret");
        // Kafka's own parser reads the user and the password back, quotes and backslashes included.
        var entry = JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG,
                new Password((String) config.get(SaslConfigs.SASL_JAAS_CONFIG)))).configurationEntries().get(0);
        assertThat(entry.getLoginModuleName()).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
        assertThat(entry.getOptions().get("username")).isEqualTo("hub");
        assertThat(entry.getOptions().get("password")).isEqualTo(PASSWORD);
    }

    /** Camel's component puts its own defaults (PLAINTEXT, GSSAPI) in each client's configuration: the hub's win. */
    @Test
    void shouldReplaceTheSecuritySettingsAConfigurationAlreadyHas() {
        Map<String, Object> camel = new HashMap<>(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "kafka:9093",
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT", SaslConfigs.SASL_MECHANISM, "GSSAPI"));
        assertThat(secured().withSecurity(camel))
                .containsEntry(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL")
                .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512")
                .containsEntry(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "kafka:9093");
    }

    @Test
    void shouldNeverShowThePasswords() {
        KafkaConnection secured = secured();
        assertThat(secured.describe()).isEqualTo("SASL_SSL as hub");
        assertThat(secured.toString()).contains("hub").doesNotContain(PASSWORD).doesNotContain("store-secret");
    }

    @Test
    void shouldRefuseALoginItCannotMake() {
        assertThatThrownBy(() -> new KafkaConnection("kafka:9093", new KafkaConnection.Security("SASL_PLAINTEXT"),
                new KafkaConnection.Sasl("SCRAM-SHA-512", "", ""), new KafkaConnection.Ssl(null, null)))
                .hasMessageContaining("HUB_KAFKA_SASL_USERNAME").hasMessageContaining("HUB_KAFKA_SASL_PASSWORD");
        assertThatThrownBy(() -> new KafkaConnection("kafka:9093", new KafkaConnection.Security("SASL_PLAINTEXT"),
                new KafkaConnection.Sasl("GSSAPI", "hub", "x"), new KafkaConnection.Ssl(null, null)))
                .hasMessageContaining("HUB_KAFKA_SASL_MECHANISM");
        assertThatThrownBy(() -> new KafkaConnection("kafka:9093", new KafkaConnection.Security("plaintext"),
                new KafkaConnection.Sasl("SCRAM-SHA-512", null, null), new KafkaConnection.Ssl(null, null)))
                .hasMessageContaining("HUB_KAFKA_SECURITY_PROTOCOL");
    }

    private static KafkaConnection secured() {
        return new KafkaConnection("kafka:9093", new KafkaConnection.Security("SASL_SSL"),
                new KafkaConnection.Sasl("SCRAM-SHA-512", "hub", PASSWORD),
                new KafkaConnection.Ssl("/etc/kafka/ca.p12", "store-secret"));
    }
}
