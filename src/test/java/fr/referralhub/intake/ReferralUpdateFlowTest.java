package fr.referralhub.intake;

import fr.referralhub.testing.PartnerApi;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.avro.PersonReferenceBasis;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/** An update (ORIENTATION_MODIFIEE) belongs to the referral its origin created, with the same person. */
@HubTest
class ReferralUpdateFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Autowired
    SchemaRegistryProperties registry;
    @Value("${hub.topics.referrals}")
    String referralsTopic;

    @Test
    void shouldKeepTheReferralAndItsPersonWhenAnUpdateCarriesWeakerIdentifiers() throws Exception {
        String creation = Samples.text("employment-agency/ft-orientation-emile.json")
                .replace("FT-93048-2026-11-000877", "FT-UPDATE-ORIGIN-1");
        // The full new state, without the NIR this time: the person must not become someone else.
        String update = creation
                .replace("\"idEvenement\": \"FT-UPDATE-ORIGIN-1\"",
                        "\"idEvenement\": \"FT-UPDATE-1\", \"idEvenementOrigine\": \"FT-UPDATE-ORIGIN-1\"")
                .replace("ORIENTATION_CREEE", "ORIENTATION_MODIFIEE")
                .replace("\"nir\": \"188026912304563\",", "")
                .replace("[\"EMILE\"]", "[\"EMILE\", \"VISALE\"]");

        String referralId = post(creation);
        assertThat(post(update)).isEqualTo(referralId);

        ReferralEvent created = published("FT-UPDATE-ORIGIN-1");
        ReferralEvent updated = published("FT-UPDATE-1");
        assertThat(updated.getEventType()).isEqualTo(ReferralEventType.UPDATED);
        assertThat(updated.getReferralId()).isEqualTo(created.getReferralId());
        assertThat(updated.getPerson().getPersonReference()).isEqualTo(created.getPerson().getPersonReference());
        assertThat(updated.getPerson().getPersonReferenceBasis()).isEqualTo(PersonReferenceBasis.NIR);
        assertThat(updated.getRequestedProgrammes()).hasSize(2);
    }

    private String post(String body) throws Exception {
        HttpResponse<String> response = PartnerApi.post(port, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).get("referralId").asText();
    }

    private ReferralEvent published(String partnerEventId) {
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readToEnd(bootstrapServers, referralsTopic,
                r -> partnerEventId.equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)));
        assertThat(records).hasSize(1);
        AvroDeserializer avro = registry.specificDeserializer();
        ReferralEvent event = (ReferralEvent) avro.deserialize(referralsTopic, records.get(0).value());
        assertThat(records.get(0).key()).isEqualTo(event.getPerson().getPersonReference());
        return event;
    }
}
