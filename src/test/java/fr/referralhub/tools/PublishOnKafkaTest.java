package fr.referralhub.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** Where the command publishes when not told: where the hub itself would look, from its application.yaml. */
class PublishOnKafkaTest {

    @Test
    void shouldPublishToTheHubsOwnBrokerUnlessToldOtherwise() {
        assumeTrue(Stream.of("KAFKA_BOOTSTRAP_SERVERS", "HUB_KAFKA_BOOTSTRAP_SERVERS", "EMBEDDED_KAFKA_PORT",
                "HUB_EMBEDDED_KAFKA_PORT").allMatch(name -> System.getenv(name) == null),
                "the broker is configured in this environment");

        assertThat(PublishOnKafka.parse(new String[] {"status", "adil-93", "report.json"}).bootstrapServers())
                .as("the embedded default of application.yaml").isEqualTo("localhost:9092");
        assertThat(PublishOnKafka.parse(new String[] {"status", "adil-93", "report.json", "--bootstrap-server",
                "broker-1:19092"}).bootstrapServers()).isEqualTo("broker-1:19092");
    }
}
