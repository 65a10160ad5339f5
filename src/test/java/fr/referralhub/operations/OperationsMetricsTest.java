package fr.referralhub.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.partners.PartnerActivity;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The operators' metrics move when the hub does what they measure, on the whole hub and a real broker. */
@HubTest
class OperationsMetricsTest {

    /** The status feedback route's group: it reads the status changes, written in the referral state's transactions. */
    private static final String FEEDBACK_GROUP = "referral-hub-status-feedback";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Value("${hub.topics.referral-status-changes}")
    String statusChangesTopic;
    @Autowired
    MeterRegistry meters;
    @Autowired
    CamelContext camel;
    @Autowired
    ConsumerLagMetrics consumerLag;
    @Autowired
    PartnerActivity partnerActivity;

    @Test
    void a_published_decision_counts_its_programme_outcomes() throws Exception {
        double before = count("MOBILI_JEUNE", "ELIGIBLE");

        assertThat(PartnerApi.post(port, uniqueMobiliJeuneReferral()).statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(count("MOBILI_JEUNE", "ELIGIBLE")).isEqualTo(before + 1));
    }

    @Test
    void lag_grows_while_the_status_feedback_route_is_stopped_and_drains_when_it_starts_again() throws Exception {
        // The route has read a status change and committed: the lag of its group is known (a group that never
        // committed names no topic).
        referAndReportReceived();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            consumerLag.refresh();
            assertThat(consumerLag.lag(FEEDBACK_GROUP, statusChangesTopic)).isNotNegative();
        });
        camel.getRouteController().stopRoute("status-feedback");
        try {
            referAndReportReceived();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                consumerLag.refresh();
                assertThat(consumerLag.lag(FEEDBACK_GROUP, statusChangesTopic)).isPositive();
                assertThat(lagGauge()).isPositive();
            });
        } finally {
            camel.getRouteController().startRoute("status-feedback");
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            consumerLag.refresh();
            // Zero, not one: the commit marker of each transaction takes an offset the group never reads.
            assertThat(consumerLag.lag(FEEDBACK_GROUP, statusChangesTopic)).isZero();
        });
    }

    @Test
    void the_referral_history_tells_when_a_partner_last_sent() throws Exception {
        assertThat(PartnerApi.post(port, uniqueMobiliJeuneReferral()).statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(partnerActivity.lastSeen("france-travail-93")).isPresent());
        assertThat(partnerActivity.isSilent("france-travail-93")).as("it just sent").isFalse();
        assertThat(meters.get("hub.partner.silent").tag("partner", "france-travail-93").gauge().value()).isZero();
    }

    /** A referral delivered to adil-93 (dev subscription), which reports it RECEIVED: one status change. */
    private void referAndReportReceived() throws Exception {
        HttpResponse<String> accepted = PartnerApi.post(port, uniqueMobiliJeuneReferral());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String referralId = new ObjectMapper().readTree(accepted.body()).get("referralId").asText();
        HttpResponse<String> reported = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/v1/referrals/" + referralId + "/status"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer dev-key-adil-93")
                .POST(HttpRequest.BodyPublishers.ofString("{\"statusEventId\": \"" + UUID.randomUUID()
                        + "\", \"status\": \"RECEIVED\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reported.statusCode()).as(reported.body()).isEqualTo(202);
    }

    private byte[] uniqueMobiliJeuneReferral() {
        return Samples.text("employment-agency/ft-orientation-mobili-jeune.json")
                .replace("FT-93066-2026-11-000123", "FT-METRICS-" + UUID.randomUUID())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private double count(String programme, String outcome) {
        Counter counter = meters.find("hub.eligibility.outcomes").tag("programme", programme).tag("outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private double lagGauge() {
        return meters.get("hub.consumer.lag").tag("group", FEEDBACK_GROUP).tag("topic", statusChangesTopic).gauge()
                .value();
    }
}
