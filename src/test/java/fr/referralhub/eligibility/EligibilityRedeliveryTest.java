package fr.referralhub.eligibility;

import fr.referralhub.testing.PartnerApi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import fr.referralhub.topics.TopicCatalog;
import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * When a batch's decisions cannot be written, nothing of it is committed: once the output is back, the same
 * referral events are decided. (If the failed batch were committed, the decision below would never appear.)
 */
@HubTest
// Its own context and decisions topic: deleting the shared one would take other tests' decisions with it.
@TestPropertySource(properties = "hub.topics.eligibility-decisions=eligibility-decisions.redelivery-test")
@DirtiesContext
class EligibilityRedeliveryTest {

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Value("${hub.topics.eligibility-decisions}")
    String decisionsTopic;
    @Value("${hub.topics.partitions}")
    int partitions;
    @Autowired
    CamelContext camel;
    @Autowired
    TopicCatalog catalog;

    @Test
    void shouldDecideAgainTheEventsOfABatchWhoseDecisionsCouldNotBeWritten() throws Exception {
        var route = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute("eligibility-decisions");
        long failuresBefore = route.getExchangesFailed();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.deleteTopics(List.of(decisionsTopic)).all().get();
            await().atMost(Duration.ofSeconds(30)).until(() -> !admin.listTopics().names().get().contains(decisionsTopic));

            String referralId = post("FT-REDELIVERY-1");
            await().atMost(Duration.ofSeconds(60)).until(() -> route.getExchangesFailed() > failuresBefore);

            admin.createTopics(List.of(new NewTopic(decisionsTopic, partitions, (short) 1)
                    .configs(catalog.eligibilityDecisions().configs()))).all().get();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(TopicReader
                    .readToEnd(bootstrapServers, decisionsTopic,
                            r -> referralId.equals(TopicReader.header(r, RecordHeaders.REFERRAL_ID)))).isNotEmpty());
        }
    }

    private String post(String eventId) throws Exception {
        String event = Samples.text("employment-agency/ml-orientation-cej.json").replace("ML-13055-2026-11-004410", eventId);
        HttpResponse<String> response = PartnerApi.post(port, event);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return new ObjectMapper().readTree(response.body()).get("referralId").asText();
    }
}
