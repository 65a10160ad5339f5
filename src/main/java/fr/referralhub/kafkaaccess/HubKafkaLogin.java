package fr.referralhub.kafkaaccess;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.topics.StartUpStep;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The hub logs in to an external cluster once, before any other of its clients does (the embedded registry's journal
 * included): refused credentials stop the start with one message that names what to fix, instead of each client's
 * own failure later (a topic that cannot be created, a registry that cannot start). The embedded broker's listener
 * takes the hub without a login, so there is nothing to check there.
 */
@Component
@ConditionalOnProperty(name = "hub.embedded.kafka.enabled", havingValue = "false", matchIfMissing = true)
public class HubKafkaLogin extends StartUpStep {

    /** Before the embedded platform (whose registry may keep its topic on this cluster) and everything else. */
    public static final int PHASE = Integer.MIN_VALUE + 500;

    private static final Logger log = LoggerFactory.getLogger(HubKafkaLogin.class);
    private static final int TIMEOUT_MS = 30_000;

    private final KafkaConnection kafka;

    public HubKafkaLogin(KafkaConnection kafka) {
        super(PHASE);
        this.kafka = kafka;
    }

    @Override
    protected void run() {
        try (Admin admin = Admin.create(kafka.clientConfig(Map.of(
                AdminClientConfig.CLIENT_ID_CONFIG, "referral-hub-login",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS)))) {
            String clusterId = admin.describeCluster().clusterId().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            log.info("Kafka cluster {} at {}: logged in ({})", clusterId, kafka.bootstrapServers(), kafka.describe());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException refused) {
                throw new IllegalStateException("Kafka at " + kafka.bootstrapServers() + " refused the hub's login ("
                        + kafka.describe() + "): " + refused.getMessage()
                        + ". Check HUB_KAFKA_SASL_USERNAME and HUB_KAFKA_SASL_PASSWORD (hub.kafka.sasl.*), and that "
                        + "the cluster has this principal's credentials", refused);
            }
            throw new IllegalStateException("Cannot reach Kafka at " + kafka.bootstrapServers() + " ("
                    + kafka.describe() + "): " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + kafka.bootstrapServers() + " (" + kafka.describe()
                    + ") did not answer within " + TIMEOUT_MS / 1000 + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while logging in to Kafka", e);
        }
    }
}
