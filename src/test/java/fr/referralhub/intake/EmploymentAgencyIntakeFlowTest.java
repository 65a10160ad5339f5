package fr.referralhub.intake;

import fr.referralhub.testing.PartnerApi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.EligibilityOutcome;
import fr.referralhub.avro.Programme;
import fr.referralhub.avro.ProgrammeDecision;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The foundation flow on a real broker and registry: a partner's JSON in, a canonical Avro record and an
 * eligibility decision out.
 */
@HubTest
@ExtendWith(OutputCaptureExtension.class)
class EmploymentAgencyIntakeFlowTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Autowired
    SchemaRegistryProperties registry;
    @Value("${hub.topics.referrals}")
    String referralsTopic;
    @Value("${hub.topics.eligibility-decisions}")
    String decisionsTopic;

    private AvroDeserializer avro;

    @BeforeEach
    void configureDecoder() {
        avro = registry.specificDeserializer();
    }

    @Test
    void shouldPublishEachCreationSampleAndDecideItsEligibility() throws Exception {
        JsonNode mobiliJeune = accepted(post(Samples.bytes("employment-agency/ft-orientation-mobili-jeune.json")));
        JsonNode cej = accepted(post(Samples.bytes("employment-agency/ml-orientation-cej.json")));
        JsonNode emile = accepted(post(Samples.bytes("employment-agency/ft-orientation-emile.json")));

        ReferralEvent lea = publishedEvent("FT-93066-2026-11-000123");
        assertThat(lea.getReferralId()).isEqualTo(mobiliJeune.get("referralId").asText());
        assertThat(lea.getEventType()).isEqualTo(ReferralEventType.CREATED);
        assertThat(lea.getPerson().getHomeDepartement()).isEqualTo("93");
        assertThat(lea.getEmployment().getContract().getGrossMonthlySalaryCents()).isEqualTo(140_000L);
        assertThat(lea.getTargetHousing().getDepartement()).isEqualTo("15");
        assertThat(lea.getRequestedProgrammes()).containsExactly(Programme.MOBILI_JEUNE, Programme.VISALE);
        assertThat(lea.getPerson().getPersonReference()).hasSize(26).doesNotContain("202049306615471");

        EligibilityDecision leaDecision = decisionFor(lea.getReferralId());
        assertThat(outcome(leaDecision, Programme.MOBILI_JEUNE)).isEqualTo(EligibilityOutcome.ELIGIBLE);
        assertThat(outcome(leaDecision, Programme.VISALE)).isEqualTo(EligibilityOutcome.ELIGIBLE);
        assertThat(outcome(decisionFor(cej.get("referralId").asText()), Programme.CEJ)).isEqualTo(EligibilityOutcome.ELIGIBLE);
        // Jean-Marc's will to move is only in the free-text comment, which the hub does not read: asked for.
        ProgrammeDecision jeanMarc = decisionFor(emile.get("referralId").asText()).getProgrammes().stream()
                .filter(p -> p.getProgramme() == Programme.EMILE).findFirst().orElseThrow();
        assertThat(jeanMarc.getOutcome()).isEqualTo(EligibilityOutcome.NEEDS_INFORMATION);
        assertThat(jeanMarc.getMissingInputs()).containsExactly("person.willingToMove");
    }

    @Test
    void shouldKeepTheNirOutOfEveryRecord() throws Exception {
        accepted(post(Samples.bytes("employment-agency/ml-orientation-cej.json")));
        String nir = "106071305509993";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                TopicReader.readToEnd(bootstrapServers, decisionsTopic)).isNotEmpty());
        for (String topic : List.of(referralsTopic, decisionsTopic)) {
            for (ConsumerRecord<String, byte[]> record : TopicReader.readToEnd(bootstrapServers, topic)) {
                assertThat(new String(record.value(), StandardCharsets.ISO_8859_1)).doesNotContain(nir);
                assertThat(record.key()).doesNotContain(nir);
            }
        }
    }

    @Test
    void shouldKeepTheNirOutOfTheLogs(CapturedOutput logs) throws Exception {
        List<String> samples = List.of("employment-agency/ft-orientation-mobili-jeune.json",
                "employment-agency/ml-orientation-cej.json", "employment-agency/ft-orientation-emile.json");
        for (String sample : samples) {
            accepted(post(Samples.bytes(sample)));
        }
        String wrongKey = Samples.text(samples.get(0)).replace("FT-93066-2026-11-000123", "FT-LOGS-1")
                .replace("202049306615471", "202049306615470");
        assertThat(post(wrongKey.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(422);
        // A NIR typed into another field, and a bare name that breaks the JSON: refused without being repeated.
        String misplaced = Samples.text(samples.get(2)).replace("FT-93048-2026-11-000877", "FT-LOGS-3")
                .replace("\"7781236B\"", "\"188026912304563\"");
        assertThat(post(misplaced.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(422);
        assertThat(post("{\"idEvenement\": KOUASSI}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
        String lastReferral = accepted(post(Samples.text(samples.get(2)).replace("FT-93048-2026-11-000877", "FT-LOGS-2")
                .getBytes(StandardCharsets.UTF_8))).get("referralId").asText();
        decisionFor(lastReferral);

        assertThat(logs.getAll()).contains("Refused partner event")
                .doesNotContain("202049306615471", "202049306615470", "106071305509993", "188026912304563", "KOUASSI");
    }

    @Test
    void shouldAnswerTheSameReferralAndPublishNothingWhenAnEventIsResent() throws Exception {
        byte[] event = Samples.text("employment-agency/ft-orientation-emile.json")
                .replace("FT-93048-2026-11-000877", "FT-93048-RESENT-1").getBytes(StandardCharsets.UTF_8);
        JsonNode first = accepted(post(event));
        JsonNode again = accepted(post(event));

        assertThat(again.get("referralId").asText()).isEqualTo(first.get("referralId").asText());
        assertThat(again.get("status").asText()).isEqualTo("ALREADY_RECEIVED");
        // The second answer came after any write would have been acknowledged: the topic is complete.
        assertThat(TopicReader.readToEnd(bootstrapServers, referralsTopic,
                r -> "FT-93048-RESENT-1".equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)))).hasSize(1);
    }

    /**
     * The HTTP routes run many requests at once (application.yaml server.tomcat.threads): identical requests landing
     * together are still published once, and every caller learns the same referral.
     */
    @Test
    void shouldPublishOnceWhenIdenticalEventsArriveAtOnce() throws Exception {
        byte[] event = Samples.text("employment-agency/ft-orientation-emile.json")
                .replace("FT-93048-2026-11-000877", "FT-93048-AT-ONCE-1").getBytes(StandardCharsets.UTF_8);
        int callers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                answers.add(pool.submit(() -> {
                    gate.await();
                    return post(event);
                }));
            }
            gate.countDown();
            List<JsonNode> bodies = new ArrayList<>();
            for (Future<HttpResponse<String>> answer : answers) {
                bodies.add(accepted(answer.get(60, TimeUnit.SECONDS)));
            }

            assertThat(bodies).extracting(body -> body.get("referralId").asText()).containsOnly(
                    bodies.get(0).get("referralId").asText());
            assertThat(bodies).extracting(body -> body.get("status").asText())
                    .containsOnlyOnce("ACCEPTED").containsOnly("ACCEPTED", "ALREADY_RECEIVED");
            // Every answer came after the referral state's transaction: the topic is complete.
            assertThat(TopicReader.readToEnd(bootstrapServers, referralsTopic,
                    r -> "FT-93048-AT-ONCE-1".equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)))).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldCancelTheReferralItsOriginEventCreated() throws Exception {
        String created = accepted(post(Samples.bytes("employment-agency/ft-orientation-mobili-jeune.json")))
                .get("referralId").asText();
        JsonNode cancelled = accepted(post(Samples.bytes("employment-agency/ft-orientation-annulee.json")));

        assertThat(cancelled.get("referralId").asText()).isEqualTo(created);
        ReferralEvent cancellation = publishedEvent("FT-93066-2026-11-000131");
        assertThat(cancellation.getEventType()).isEqualTo(ReferralEventType.CANCELLED);
        assertThat(cancellation.getCancellationReason()).isEqualTo("DOUBLON");
        assertThat(cancellation.getPerson()).isNull();
        // The cancellation withdraws the referral's decisions, on the decisions topic, under the referral's key.
        ConsumerRecord<String, byte[]> withdrawal = await().atMost(Duration.ofSeconds(30)).until(() -> TopicReader
                .readToEnd(bootstrapServers, decisionsTopic).stream()
                .filter(r -> {
                    EligibilityDecision d = (EligibilityDecision) avro.deserialize(decisionsTopic, r.value());
                    return d.getReferralId().equals(created)
                            && d.getKind() == fr.referralhub.avro.DecisionKind.WITHDRAWAL;
                })
                .findFirst().orElse(null), java.util.Objects::nonNull);
        EligibilityDecision withdrawn = (EligibilityDecision) avro.deserialize(decisionsTopic, withdrawal.value());
        assertThat(withdrawn.getReferralEventId()).isEqualTo(cancellation.getEventId());
        assertThat(withdrawn.getWithdrawalReason()).isEqualTo("DOUBLON");
        assertThat(withdrawn.getProgrammes()).isEmpty();
        assertThat(withdrawal.key()).isEqualTo(withdrawn.getPersonReference()).isEqualTo(decisionFor(created)
                .getPersonReference());
    }

    @Test
    void shouldListEveryInvalidFieldInAProblemDocument() throws Exception {
        String invalid = Samples.text("employment-agency/ft-orientation-mobili-jeune.json")
                .replace("FT-93066-2026-11-000123", "FT-INVALID-1")
                .replace("202049306615471", "202049306615472")
                .replace("\"codeCommuneInsee\": \"93066\"", "\"codeCommuneInsee\": \"93200X\"")
                .replace("2002-04-12", "2002-02-31")
                .replace("\"APPRENTI\"", "\"ASTRONAUTE\"");
        HttpResponse<String> response = post(invalid.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(422);
        assertThat(problem.get("errors").findValuesAsText("field")).containsExactlyInAnyOrder(
                "beneficiaire.nir", "beneficiaire.adresse.codeCommuneInsee", "beneficiaire.dateNaissance",
                "situation.statut");
        assertThat(response.body()).doesNotContain("202049306615472");
        assertThat(TopicReader.readToEnd(bootstrapServers, referralsTopic,
                r -> "FT-INVALID-1".equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)))).isEmpty();
    }

    @Test
    void shouldAnswer400ToATruncatedDocument() throws Exception {
        String truncated = Samples.text("employment-agency/ml-orientation-cej.json").substring(0, 200);
        HttpResponse<String> response = post(truncated.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("errors").get(0).get("reason").asText()).contains("not valid JSON");
    }

    @Test
    void shouldRefuseACancellationOfAnUnknownReferral() throws Exception {
        String unknown = Samples.text("employment-agency/ft-orientation-annulee.json")
                .replace("FT-93066-2026-11-000131", "FT-CANCEL-UNKNOWN")
                .replace("FT-93066-2026-11-000123", "FT-NEVER-SENT");
        HttpResponse<String> response = post(unknown.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(response.body()).get("type").asText()).endsWith("/unknown-referral");
    }

    private HttpResponse<String> post(byte[] body) throws Exception {
        return PartnerApi.post(port, body);
    }

    private static JsonNode accepted(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.get("referralId").asText()).isNotBlank();
        return answer;
    }

    private ReferralEvent publishedEvent(String partnerEventId) {
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readToEnd(bootstrapServers, referralsTopic,
                r -> partnerEventId.equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)));
        assertThat(records).hasSize(1);
        return (ReferralEvent) avro.deserialize(referralsTopic, records.get(0).value());
    }

    private EligibilityDecision decisionFor(String referralId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> TopicReader.readToEnd(bootstrapServers, decisionsTopic)
                .stream()
                .map(r -> (EligibilityDecision) avro.deserialize(decisionsTopic, r.value()))
                .filter(d -> d.getReferralId().equals(referralId))
                .findFirst().orElse(null), java.util.Objects::nonNull);
    }

    private static EligibilityOutcome outcome(EligibilityDecision decision, Programme programme) {
        return decision.getProgrammes().stream().filter(p -> p.getProgramme() == programme)
                .map(ProgrammeDecision::getOutcome).findFirst()
                .orElseThrow(() -> new AssertionError(programme + " not decided in " + decision));
    }
}
