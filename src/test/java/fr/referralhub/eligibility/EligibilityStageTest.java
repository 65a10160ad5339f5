package fr.referralhub.eligibility;

import static fr.referralhub.avro.ContractType.APPRENTISSAGE;
import static fr.referralhub.avro.EmployerSector.PRIVE_NON_AGRICOLE;
import static fr.referralhub.avro.EmploymentStatus.APPRENTI;
import static fr.referralhub.avro.Programme.MOBILI_JEUNE;
import static fr.referralhub.eligibility.TestReferral.referral;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import fr.referralhub.avro.DecisionKind;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.schemaregistry.WireFormat;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The decider without Kafka: a creation gets its decision, a cancellation the withdrawal of the referral's decisions
 * under the referral's key; a dead letter's record is decided the same. The writer schema of a replayed record comes
 * from a one-schema stub registry.
 */
class EligibilityStageTest {

    private static final int SCHEMA_ID = 1;
    private static final String TOPIC = "referrals.v1";
    private static final String KEY = "PSEUDO-OF-THE-CREATION";

    private static HttpServer registry;
    private static CamelContext camel;

    @BeforeAll
    static void start() throws IOException {
        byte[] answer = new ObjectMapper().writeValueAsBytes(Map.of("schema", ReferralEvent.getClassSchema().toString()));
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/schemas/ids/" + SCHEMA_ID, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(answer);
            }
        });
        registry.start();
        camel = new DefaultCamelContext();
    }

    @AfterAll
    static void stop() throws Exception {
        registry.stop(0);
        camel.close();
    }

    private static Exchange consumed(ReferralEvent event) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WireFormat.writeHeader(bytes, SCHEMA_ID);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(ReferralEvent.class).write(event, encoder);
        encoder.flush();
        Exchange record = new DefaultExchange(camel);
        record.getMessage().setBody(bytes.toByteArray());
        record.getMessage().setHeader(KafkaConstants.TOPIC, TOPIC);
        record.getMessage().setHeader(KafkaConstants.KEY, KEY);
        return record;
    }

    @Test
    void decides_a_creation_and_withdraws_on_a_cancellation_under_the_referrals_key() throws IOException {
        ReferralEvent creation = referral().eventId("evt-create").personReference(KEY)
                .appliedOn(LocalDate.of(2025, 3, 15)).bornOn(LocalDate.of(2000, 6, 1)).status(APPRENTI)
                .contract(APPRENTISSAGE, PRIVE_NON_AGRICOLE, LocalDate.of(2025, 1, 15)).requesting(MOBILI_JEUNE)
                .build();
        ReferralEvent cancellation = referral().eventId("evt-cancel").eventType(ReferralEventType.CANCELLED)
                .withoutPerson().occurredAt(Instant.parse("2025-03-20T10:00:00Z")).build();
        cancellation.setCancellationReason("DOUBLON");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        EligibilityStage stage = new EligibilityStage(EligibilityEngine.withBundledRuleSets(), meters,
                new SchemaRegistryProperties("http://127.0.0.1:" + registry.getAddress().getPort(), null, true));
        // Every programme and outcome is a series at 0 before any decision (alert EligibilityStalled needs them).
        assertThat(meters.find("hub.eligibility.outcomes").counters())
                .hasSize(fr.referralhub.avro.Programme.values().length
                        * fr.referralhub.avro.EligibilityOutcome.values().length)
                .allSatisfy(counter -> assertThat(counter.count()).isZero());

        EligibilityDecision decision = stage.decide(creation, KEY, java.util.List.of());
        EligibilityDecision withdrawal = stage.decide(cancellation, KEY, java.util.List.of());

        assertThat(decision.getKind()).isEqualTo(DecisionKind.DECISION);
        assertThat(decision.getProgrammes()).isNotEmpty();
        assertThat(withdrawal.getKind()).isEqualTo(DecisionKind.WITHDRAWAL);
        assertThat(withdrawal.getReferralId()).isEqualTo(decision.getReferralId());
        assertThat(withdrawal.getReferralEventId()).isEqualTo("evt-cancel");
        assertThat(withdrawal.getWithdrawalReason()).isEqualTo("DOUBLON");
        assertThat(withdrawal.getPersonReference()).isEqualTo(KEY);
        assertThat(withdrawal.getApplicationDate()).isEqualTo(LocalDate.of(2025, 3, 20));
        // One count per programme decided; the withdrawal decides nothing.
        assertThat(meters.find("hub.eligibility.outcomes").counters().stream().mapToDouble(c -> c.count()).sum())
                .isEqualTo(decision.getProgrammes().size());
        assertThat(meters.find("hub.eligibility.outcomes").tag("programme", "MOBILI_JEUNE").counters().stream()
                .mapToDouble(c -> c.count()).sum()).isEqualTo(1);

        // A dead letter's record, replayed: the same decision (its id derives from the event's).
        assertThat(stage.decideOne(consumed(creation)).getDecisionId()).isEqualTo(decision.getDecisionId());
        assertThat(stage.decideOne(consumed(cancellation)).getDecisionId()).isEqualTo(withdrawal.getDecisionId());
    }
}
