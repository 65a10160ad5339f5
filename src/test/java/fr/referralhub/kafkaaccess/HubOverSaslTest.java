package fr.referralhub.kafkaaccess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import fr.referralhub.ReferralHubApplication;
import fr.referralhub.embedded.EmbeddedKafkaBroker;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.SharedKafka;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.RecordHeaders;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.assertj.core.util.Throwables;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole hub on a cluster that wants a login, as in production: its bootstrap servers are the SASL/SCRAM listener
 * of a broker of this class (the embedded broker's partners' listener, where principal {@code hub} is the super user),
 * with its own credentials (hub.kafka.sasl.*). Its login check, topics, registry journal, Kafka access, routes and
 * referral state all go through them, and a partner's event is published on referrals.v1. A hub whose password is
 * wrong does not start, and says what to fix.
 *
 * <p>Each hub is started with command-line arguments, as KAFKA_BOOTSTRAP_SERVERS and HUB_KAFKA_* would set it: the
 * embedded platform decides from the environment it starts with whether to boot its own broker, before a test's
 * dynamic properties would be added.
 */
class HubOverSaslTest {

    private static final String HUB_PASSWORD = "hub-over-sasl-secret";
    private static final String SAMPLE_EVENT_ID = "FT-93066-2026-11-000123";
    private static EmbeddedKafkaBroker broker;

    @Test
    void shouldPublishAPartnersEventThroughTheHubsOwnLogin() throws Exception {
        try (ConfigurableApplicationContext hub = start("referral-hub-sasl", HUB_PASSWORD)) {
            int port = hub.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            String referrals = hub.getBean(HubTopicProperties.class).referrals();
            String eventId = "FT-SASL-" + UUID.randomUUID();
            var accepted = PartnerApi.post(port, Samples.text("employment-agency/ft-orientation-mobili-jeune.json")
                    .replace(SAMPLE_EVENT_ID, eventId));
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            // Read on the broker's own loopback listener: what the hub wrote through its login.
            await().atMost(Duration.ofSeconds(60)).until(() -> !TopicReader.readToEnd(broker().bootstrapServers(),
                    referrals, r -> eventId.equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID))).isEmpty());
        }
    }

    @Test
    void shouldRefuseToStartWithAWrongPasswordAndSayWhatToFix() {
        String wrong = "not-the-hub-password";
        assertThatThrownBy(() -> start("referral-hub-refused", wrong).close())
                .hasStackTraceContaining("refused the hub's login (SASL_PLAINTEXT as hub)")
                .hasStackTraceContaining("HUB_KAFKA_SASL_PASSWORD")
                .satisfies(refused -> assertThat(Throwables.getStackTrace(refused)).doesNotContain(wrong));
    }

    private static ConfigurableApplicationContext start(String name, String password) throws IOException {
        return new SpringApplicationBuilder(ReferralHubApplication.class).profiles("dev").run(
                "--server.port=0", "--hub.embedded.schema-registry.port=0",
                "--hub.embedded.data-dir=" + Files.createTempDirectory("referral-hub-sasl-test"),
                "--hub.intake.file-drops.root=target/sasl-test-file-drops", "--camel.main.name=" + name,
                "--hub.kafka-access.enabled=true",
                "--hub.kafka.bootstrap-servers=" + broker().partnerBootstrapServers(),
                "--hub.kafka.security.protocol=SASL_PLAINTEXT",
                "--hub.kafka.sasl.username=" + EmbeddedKafkaBroker.HUB_PRINCIPAL,
                "--hub.kafka.sasl.password=" + password);
    }

    /**
     * A broker with the partners' SASL listener, and the hub's credentials stored before its first start, as an
     * operator stores them on a secured cluster (docker-compose.yml: when the brokers format their storage).
     */
    private static synchronized EmbeddedKafkaBroker broker() {
        if (broker == null) {
            try {
                Path dir = Files.createTempDirectory("referral-hub-sasl-kafka");
                broker = new EmbeddedKafkaBroker(dir, "127.0.0.1", SharedKafka.freePort(), SharedKafka.freePort(),
                        SharedKafka.freePort());
                broker.start();
                Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "sasl-kafka-shutdown"));
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers()))) {
                    admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            EmbeddedKafkaBroker.HUB_PRINCIPAL, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512,
                            8192), HUB_PASSWORD))).all().get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("Cannot store the hub's credentials", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return broker;
    }
}
