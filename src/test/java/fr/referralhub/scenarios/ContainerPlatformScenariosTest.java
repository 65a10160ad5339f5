package fr.referralhub.scenarios;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The end-to-end scenarios against the platform of a deployment: Apache Kafka in a container and Confluent's own
 * Schema Registry (the images docker-compose.yml pins), the hub pointed at them by configuration only. Skipped
 * where no Docker engine runs (as on the project's CI machines); the same scenarios always run on the embedded
 * platform ({@link EmbeddedPlatformScenariosTest}).
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // The embedded platform decides to start before @DynamicPropertySource is applied: keep what it may start
        // off fixed ports and ./data. The hub itself uses the containers below.
        "hub.embedded.kafka.port=0",
        "hub.embedded.kafka.controller-port=0",
        "hub.embedded.schema-registry.port=0",
        "hub.embedded.data-dir=${java.io.tmpdir}/referral-hub-containers-${random.uuid}",
        "hub.intake.file-drops.root=target/test-file-drops-containers"
})
@ActiveProfiles("dev")
class ContainerPlatformScenariosTest extends EndToEndScenarios {

    private static final Network NETWORK = Network.newNetwork();

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:3.9.1")
            .withNetwork(NETWORK)
            // A listener the registry container reaches by name on the shared network.
            .withListener("kafka:19092");

    @Container
    static final GenericContainer<?> SCHEMA_REGISTRY = new GenericContainer<>("confluentinc/cp-schema-registry:7.9.1")
            .withNetwork(NETWORK)
            .withExposedPorts(8081)
            .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
            .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
            .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
            .dependsOn(KAFKA)
            .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));

    @DynamicPropertySource
    static void platform(DynamicPropertyRegistry properties) {
        properties.add("hub.kafka.bootstrap-servers", KAFKA::getBootstrapServers);
        properties.add("hub.schema-registry.url",
                () -> "http://" + SCHEMA_REGISTRY.getHost() + ":" + SCHEMA_REGISTRY.getMappedPort(8081));
    }
}
