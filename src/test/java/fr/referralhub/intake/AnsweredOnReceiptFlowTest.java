package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import fr.referralhub.kafka.DeadLetterCipher;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code Prefer: respond-async} (RFC 7240): a partner replaying a backlog is answered once the broker holds its event,
 * and gives up nothing of the usual guarantees: published once, re-sends recognised, refusals dead-lettered with their
 * reason instead of answered, and every input counted.
 */
@HubTest
class AnsweredOnReceiptFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMILE = "employment-agency/ft-orientation-emile.json";
    private static final String EMILE_EVENT_ID = "FT-93048-2026-11-000877";

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Value("${hub.topics.referrals}")
    String referralsTopic;
    @Value("${hub.topics.dead-letters}")
    String deadLettersTopic;
    @Autowired
    MeterRegistry meters;

    @Test
    void shouldAnswerOnReceiptAndPublishIdenticalEventsSentAtOnceOnce() throws Exception {
        String eventId = "FT-93048-ASYNC-AT-ONCE-1";
        byte[] event = Samples.text(EMILE).replace(EMILE_EVENT_ID, eventId).getBytes(StandardCharsets.UTF_8);
        double deferredBefore = deferred();
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<HttpResponse<String>> answers = new ArrayList<>();
        try {
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                sent.add(pool.submit(() -> {
                    gate.await();
                    return postAnsweredOnReceipt(event);
                }));
            }
            gate.countDown();
            for (Future<HttpResponse<String>> answer : sent) {
                answers.add(answer.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        String referralId = ReferralIntake.referralId("france-travail-93", eventId);
        for (HttpResponse<String> answer : answers) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            assertThat(answer.headers().firstValue("Preference-Applied")).hasValue("respond-async");
            JsonNode body = JSON.readTree(answer.body());
            assertThat(body.get("status").asText()).isEqualTo("RECEIVED");
            assertThat(body.get("referralId").asText()).isEqualTo(referralId);
        }
        // Counted as the exchange completes, just after its answer is written.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(deferred() - deferredBefore).isEqualTo(callers));

        // The usual answer to the same event comes after the referral state decided every copy before it (one
        // partition, in order): by then the event is published, and once.
        HttpResponse<String> usual = PartnerApi.post(port, event);
        assertThat(usual.statusCode()).as(usual.body()).isEqualTo(202);
        assertThat(JSON.readTree(usual.body()).get("status").asText()).isEqualTo("ALREADY_RECEIVED");
        assertThat(usual.headers().firstValue("Preference-Applied")).isEmpty();
        assertThat(TopicReader.readToEnd(bootstrapServers, referralsTopic,
                r -> eventId.equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)))).hasSize(1);
        assertThat(deadLettersOf(referralId)).isEmpty();
    }

    @Test
    void shouldDeadLetterWhatTheReferralStateRefusesAfterTheAnswer() throws Exception {
        String eventId = "FT-93048-ASYNC-CONFLICT-1";
        String original = Samples.text(EMILE).replace(EMILE_EVENT_ID, eventId);
        String referralId = ReferralIntake.referralId("france-travail-93", eventId);
        assertThat(postAnsweredOnReceipt(original.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(202);
        // The same id with other content: the usual answer would be 409.
        String changed = original.replace("[\"15\", \"48\"]", "[\"15\"]");
        assertThat(changed).isNotEqualTo(original);
        HttpResponse<String> conflicting = postAnsweredOnReceipt(changed.getBytes(StandardCharsets.UTF_8));
        assertThat(conflicting.statusCode()).as(conflicting.body()).isEqualTo(202);

        ConsumerRecord<String, byte[]> deadLetter = await().atMost(Duration.ofSeconds(60))
                .until(() -> deadLettersOf(referralId), letters -> !letters.isEmpty()).get(0);
        assertThat(TopicReader.header(deadLetter, "__connect.errors.exception.message")).startsWith("CONFLICT: ");
        assertThat(TopicReader.header(deadLetter, RecordHeaders.PARTNER_EVENT_ID)).isEqualTo(eventId);
        assertThat(TopicReader.header(deadLetter, RecordHeaders.PARTNER_ID)).isEqualTo("france-travail-93");
        // The original kept is the canonical record the partner's event became, encrypted like every dead letter.
        assertThat(new DeadLetterCipher(DeadLetterCipher.DEVELOPMENT_KEY).decrypt(deadLetter.value())).isNotEmpty();
        assertThat(TopicReader.readToEnd(bootstrapServers, referralsTopic,
                r -> eventId.equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)))).hasSize(1);

        // A cancellation of a referral never created: the usual answer would be 422.
        String never = "FT-93066-ASYNC-NEVER-SENT";
        String cancellation = Samples.text("employment-agency/ft-orientation-annulee.json")
                .replace("FT-93066-2026-11-000131", "FT-93066-ASYNC-CANCEL-1")
                .replace("FT-93066-2026-11-000123", never);
        assertThat(postAnsweredOnReceipt(cancellation.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(202);
        String unknownReferral = ReferralIntake.referralId("france-travail-93", never);
        ConsumerRecord<String, byte[]> refused = await().atMost(Duration.ofSeconds(60))
                .until(() -> deadLettersOf(unknownReferral), letters -> !letters.isEmpty()).get(0);
        assertThat(TopicReader.header(refused, "__connect.errors.exception.message")).startsWith("UNKNOWN_REFERRAL: ");
    }

    @Test
    void shouldStillRefuseAnInvalidEventAtOnce() throws Exception {
        String invalid = Samples.text(EMILE).replace(EMILE_EVENT_ID, "FT-93048-ASYNC-INVALID-1")
                .replace("\"DEMANDEUR_EMPLOI\"", "\"ASTRONAUTE\"").replace("\"93048\"", "\"93048X\"");
        HttpResponse<String> answer = postAnsweredOnReceipt(invalid.getBytes(StandardCharsets.UTF_8));

        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(answer.headers().firstValue("Preference-Applied")).isEmpty();
    }

    private HttpResponse<String> postAnsweredOnReceipt(byte[] body) throws Exception {
        return PartnerApi.postAnsweredOnReceipt(port, body);
    }

    private List<ConsumerRecord<String, byte[]>> deadLettersOf(String referralId) {
        return TopicReader.readToEnd(bootstrapServers, deadLettersTopic, r -> referralId.equals(r.key())
                && "referral-ledger".equals(TopicReader.header(r, "__connect.errors.connector.name")));
    }

    private double deferred() {
        return meters.get(IntakeAccounting.OUTCOMES).tag("partner", "france-travail-93").tag("channel", "HTTP_JSON")
                .tag("outcome", "deferred").counter().count();
    }
}
