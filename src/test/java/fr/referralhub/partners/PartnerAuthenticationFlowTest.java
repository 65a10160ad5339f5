package fr.referralhub.partners;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Only a known, enabled partner publishes, and only for its own structures. */
@HubTest
@ExtendWith(OutputCaptureExtension.class)
class PartnerAuthenticationFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Value("${hub.topics.referrals}")
    String referralsTopic;

    @Test
    void shouldAnswer401WithoutAKnownEnabledPartnerKey(CapturedOutput logs) throws Exception {
        byte[] event = event("FT-AUTH-1");

        for (String key : new String[] {null, "not-a-key", "dev-key-france-travail-disabled"}) {
            HttpResponse<String> response = PartnerApi.post(port, event, key);
            assertThat(response.statusCode()).as("key %s", key).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
        }
        assertThat(published("FT-AUTH-1")).isZero();
        assertThat(logs.getAll()).doesNotContain("not-a-key", "dev-key-france-travail-disabled");
    }

    @Test
    void shouldAnswer403WhenAPartnerPublishesForAnotherPartnersStructure() throws Exception {
        HttpResponse<String> response = PartnerApi.post(port, event("FT-AUTH-2"), PartnerApi.MISSION_LOCALE_MARSEILLE);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(response.body()).get("type").asText()).endsWith("/forbidden-structure");
        assertThat(published("FT-AUTH-2")).isZero();
    }

    @Test
    void shouldPublishUnderTheAuthenticatedPartnersIdAndAcceptTheXApiKeyHeader() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/referrals"))
                .header("Content-Type", "application/json")
                .header("X-API-Key", PartnerApi.FRANCE_TRAVAIL_93)
                .POST(HttpRequest.BodyPublishers.ofByteArray(event("FT-AUTH-3"))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(TopicReader.readToEnd(bootstrapServers, referralsTopic,
                r -> "FT-AUTH-3".equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID))))
                .extracting(r -> TopicReader.header(r, RecordHeaders.PARTNER_ID)).containsExactly("france-travail-93");
    }

    @Test
    void shouldShowOperatorsThePartnersWithoutTheirKeyHashes() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/partners")).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).findValuesAsText("id")).contains("france-travail-93", "mission-locale-marseille");
        assertThat(response.body()).doesNotContain("6df38315963c3a3c224e1858e247b7b07f59f825614112637eaa353eff8d9283");
    }

    private static byte[] event(String eventId) {
        return Samples.text("employment-agency/ft-orientation-emile.json").replace("FT-93048-2026-11-000877", eventId)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private long published(String partnerEventId) {
        return TopicReader.readToEnd(bootstrapServers, referralsTopic,
                r -> partnerEventId.equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID))).size();
    }
}
