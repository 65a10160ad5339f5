package fr.referralhub.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;

import javax.management.MBeanServer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.testing.DeadLetterAudit;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Dead letters for operators, on the real broker: real dead letters (a landlord's cancellation of a referral not yet
 * received, a CSV row with a corrupted NIR, a record that is not Avro) are listed without their originals, inspected
 * decrypted with an audit record, and replayed into the route that failed: published with the original ids once the
 * cause is fixed, a duplicate the second time, refused again with 422 and no new dead letter otherwise. The same
 * through JMX.
 */
@HubTest
@ExtendWith(OutputCaptureExtension.class)
class DeadLetterOperationsFlowTest {

    private static final String LANDLORD = "logis-hdf";
    private static final String LANDLORD_TOPIC = "intake." + LANDLORD;
    private static final String TRAINING_BODY = "cfa-btp-lyon";
    private static final String CSV_SAMPLE = "training-body/cfa-btp-lyon-2026-11-18.csv";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Value("${hub.topics.referrals}")
    String referralsTopic;
    @Value("${hub.topics.dead-letters}")
    String deadLettersTopic;
    @Value("${hub.topics.eligibility-decisions}")
    String decisionsTopic;
    @Value("${hub.topics.operator-audit}")
    String auditTopic;
    @Value("${hub.intake.file-drops.root}")
    Path dropsRoot;
    @Autowired
    DeadLetters deadLetters;
    @Autowired
    CamelContext camel;
    @Autowired
    MeterRegistry meters;
    @Autowired
    DeadLettersMBean mbean;

    @Test
    void shouldReplayALandlordCancellationOnceItsReferralArrivedKeepingItsPartnerEventIdThenAnswerDuplicate(
            CapturedOutput output) throws Exception {
        String creation = "HDF-LOGIS-" + UUID.randomUUID();
        String cancellation = "HDF-LOGIS-" + UUID.randomUUID();
        // The cancellation comes first: its referral is unknown, so it is dead-lettered.
        sendToLandlordTopic(cancellation, cancellationXml(cancellation, creation));
        ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter(r -> cancellation.equals(r.key())
                && LANDLORD_TOPIC.equals(TopicReader.header(r, "__connect.errors.topic")));
        String id = deadLetter.partition() + "-" + deadLetter.offset();

        // Listed with metadata only.
        HttpResponse<String> listed = get("/ops/dead-letters?route=social-landlord-intake&partner=" + LANDLORD
                + "&limit=500");
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).doesNotContain(cancellation).doesNotContain("<orientation");
        JsonNode item = itemOf(JSON.readTree(listed.body()), id);
        assertThat(item.get("source").get("route").asText()).isEqualTo("social-landlord-intake");
        assertThat(item.get("source").get("topic").asText()).isEqualTo(LANDLORD_TOPIC);
        assertThat(item.get("source").get("partnerId").asText()).isEqualTo(LANDLORD);
        assertThat(item.get("source").get("offset").asLong()).isNotNegative();
        assertThat(item.get("exceptionClass").asText()).endsWith("InvalidPartnerEventException");
        assertThat(item.get("reasons").asText()).contains("no referral was created");
        assertThat(item.get("keyId").asText()).matches("[0-9a-f]{8}");
        assertThat(item.get("replayable").asBoolean()).isTrue();
        assertThat(item.has("replay")).isFalse();
        assertThat(item.get("deadLetteredAt").asText()).isNotBlank();

        // Inspected: decrypted original, and an audit record of who looked, written before it is shown.
        HttpResponse<String> inspected = get("/ops/dead-letters/" + id);
        assertThat(inspected.statusCode()).isEqualTo(200);
        JsonNode inspection = JSON.readTree(inspected.body());
        assertThat(inspection.get("original").get("encoding").asText()).isEqualTo("UTF-8");
        assertThat(inspection.get("original").get("text").asText()).contains("<identifiant>" + cancellation);
        assertThat(inspection.get("deadLetter").get("id").asText()).isEqualTo(id);
        assertThat(inspection.get("inspectedBy").asText()).isEqualTo(Callers.DEV_CALLER);
        List<JsonNode> audit = auditOf(id);
        assertThat(audit).singleElement().satisfies(entry -> {
            assertThat(entry.get("action").asText()).isEqualTo(OperatorAudit.INSPECTED);
            assertThat(entry.get("actor").asText()).isEqualTo(Callers.DEV_CALLER);
            assertThat(entry.get("channel").asText()).isEqualTo("HTTP");
            assertThat(entry.get("at").asText()).isNotBlank();
        });
        assertThat(output.getOut()).contains(Callers.DEV_CALLER + " " + OperatorAudit.INSPECTED + " dead-letter:"
                + deadLettersTopic + "/" + id + " via HTTP");

        // Replayed before the cause is fixed: refused again, 422 with the reasons, no new dead letter.
        HttpResponse<String> tooEarly = post("/ops/dead-letters/" + id + "/replay");
        assertThat(tooEarly.statusCode()).isEqualTo(422);
        assertThat(tooEarly.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(tooEarly.body()).get("reasons").toString()).contains("no referral was created");

        // The cause is fixed: the referral's creation arrives.
        sendToLandlordTopic(creation, Samples.text("social-landlord/logis-hdf-orientation-000871.xml")
                .replace("HDF-LOGIS-2026-000871", creation).getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<String, byte[]> created = await().atMost(Duration.ofSeconds(60))
                .until(() -> publishedByLandlord(creation).stream().findFirst().orElse(null), Objects::nonNull);

        HttpResponse<String> replayed = post("/ops/dead-letters/" + id + "/replay");
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
        JsonNode result = JSON.readTree(replayed.body());
        assertThat(result.get("outcome").asText()).isEqualTo("PUBLISHED");
        assertThat(result.get("partnerEventId").asText()).isEqualTo(cancellation);
        String referralId = TopicReader.header(created, RecordHeaders.REFERRAL_ID);
        assertThat(result.get("referralId").asText()).isEqualTo(referralId);
        assertThat(publishedByLandlord(cancellation)).singleElement().satisfies(published -> {
            assertThat(TopicReader.header(published, RecordHeaders.EVENT_TYPE)).isEqualTo("CANCELLED");
            assertThat(TopicReader.header(published, RecordHeaders.REFERRAL_ID)).isEqualTo(referralId);
            assertThat(TopicReader.header(published, RecordHeaders.EVENT_ID)).isEqualTo(result.get("eventId").asText());
            // Under the referral's key, as if it had come in order.
            assertThat(published.key()).isEqualTo(created.key());
        });

        // A second replay: the referral ledger knows the partner event id, nothing is published twice.
        HttpResponse<String> again = post("/ops/dead-letters/" + id + "/replay");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).get("outcome").asText()).isEqualTo("DUPLICATE");
        assertThat(JSON.readTree(again.body()).get("referralId").asText()).isEqualTo(referralId);
        assertThat(publishedByLandlord(cancellation)).hasSize(1);
        assertThat(deadLettersWhere(r -> cancellation.equals(r.key()))).hasSize(1);

        // Each replay is audited, and the list shows the replay state from the audit.
        assertThat(auditOf(id)).extracting(entry -> entry.get("action").asText() + " " + entry.path("outcome").asText())
                .containsExactly(OperatorAudit.INSPECTED + " ", OperatorAudit.REPLAYED + " REFUSED",
                        OperatorAudit.REPLAYED + " PUBLISHED", OperatorAudit.REPLAYED + " DUPLICATE");
        JsonNode replayState = itemOf(JSON.readTree(get("/ops/dead-letters?partner=" + LANDLORD + "&limit=500").body()), id)
                .get("replay");
        assertThat(replayState.get("outcome").asText()).isEqualTo("DUPLICATE");
        assertThat(replayState.get("by").asText()).isEqualTo(Callers.DEV_CALLER);
        assertThat(replayState.get("attempts").asInt()).isEqualTo(3);
        assertThat(replayState.get("referralId").asText()).isEqualTo(referralId);
    }

    @Test
    void shouldCountOnlyTheDeadLettersMatchingTheFilters() throws Exception {
        String cancellation = "HDF-LOGIS-" + UUID.randomUUID();
        sendToLandlordTopic(cancellation, cancellationXml(cancellation, "HDF-LOGIS-" + UUID.randomUUID()));
        awaitDeadLetter(r -> cancellation.equals(r.key()));

        JsonNode nothing = JSON.readTree(get("/ops/dead-letters?route=nosuch").body());
        assertThat(nothing.get("items")).isEmpty();
        assertThat(nothing.get("total").asLong()).as("total of ?route=nosuch").isZero();
        JsonNode landlord = JSON.readTree(get("/ops/dead-letters?route=social-landlord-intake&partner=" + LANDLORD
                + "&limit=500").body());
        // Dead letters only accumulate: what matched is at least the page, at most the whole topic read afterwards.
        JsonNode all = JSON.readTree(get("/ops/dead-letters?limit=1").body());
        assertThat(landlord.get("total").asLong()).as("total of the landlord's route")
                .isGreaterThanOrEqualTo(landlord.get("items").size()).isPositive()
                .isLessThanOrEqualTo(all.get("total").asLong());
        assertThat(all.get("items")).hasSize(1);
    }

    @Test
    void shouldRefuseAgainTheReplayOfACsvRowWithACorruptedNirWithoutANewDeadLetterAndCountIt() throws Exception {
        Counter counter = meters.counter(DeadLetters.METRIC, "route", "training-body-file-intake");
        double before = counter.count();
        String eventId = "CFA-REPLAY-" + UUID.randomUUID();
        String[] sample = Samples.text(CSV_SAMPLE).split("\n");
        // The header and the sample's row with a spreadsheet-corrupted NIR (2,00029E+14), under a fresh id.
        String file = drop((sample[0] + "\n" + sample[3].replace("CFA-BTP-2026-0044", eventId) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter(r -> file.equals(TopicReader.header(r,
                DeadLetters.FILE_NAME)));
        String id = deadLetter.partition() + "-" + deadLetter.offset();
        assertThat(counter.count()).isEqualTo(before + 1);
        // What a replay needs to read the row alone: the file's header row (column names) and the partner.
        assertThat(TopicReader.header(deadLetter, DeadLetters.FILE_HEADER)).startsWith("id_evenement;date_evenement;");
        assertThat(TopicReader.header(deadLetter, RecordHeaders.PARTNER_ID)).isEqualTo(TRAINING_BODY);

        JsonNode item = itemOf(JSON.readTree(get("/ops/dead-letters?route=training-body-file-intake&limit=500").body()), id);
        assertThat(item.get("source").get("file").asText()).isEqualTo(file);
        assertThat(item.get("source").get("row").asInt()).isEqualTo(2);
        assertThat(item.get("source").get("partnerId").asText()).isEqualTo(TRAINING_BODY);
        assertThat(item.get("reasons").asText()).startsWith("nir ");
        assertThat(get("/ops/dead-letters/" + id).body()).contains(eventId + ";").contains("2,00029E+14");

        HttpResponse<String> replayed = post("/ops/dead-letters/" + id + "/replay");
        assertThat(replayed.statusCode()).isEqualTo(422);
        JsonNode problem = JSON.readTree(replayed.body());
        assertThat(problem.get("type").asText()).endsWith("/replay-refused");
        assertThat(problem.get("reasons").get(0).asText()).startsWith("nir ").doesNotContain("2,00029E+14");
        assertThat(deadLettersWhere(r -> file.equals(TopicReader.header(r, DeadLetters.FILE_NAME)))).hasSize(1);
        assertThat(counter.count()).isEqualTo(before + 1);
        assertThat(publishedEventIds(TRAINING_BODY)).doesNotContain(eventId);
    }

    @Test
    void shouldReplayAFixedCsvRowFromItsHeaderRowWithItsPartnerEventIdThenAnswerDuplicate() throws Exception {
        String eventId = "CFA-REPLAY-" + UUID.randomUUID();
        String[] sample = Samples.text(CSV_SAMPLE).split("\n");
        String header = sample[0].replace("\uFEFF", "");
        // A valid row refused for a cause since fixed (written by the real dead-letter writer, as the route does).
        String row = sample[1].replace("CFA-BTP-2026-0042", eventId);
        String file = "cfa-btp-lyon-" + UUID.randomUUID() + ".csv";
        deadLetters.sendFileRow("training-body-file-intake", TRAINING_BODY + "/" + file + "#2", TRAINING_BODY, file, 2,
                header, row.getBytes(StandardCharsets.UTF_8), new IllegalStateException("cause since fixed"),
                "(row) cause since fixed");
        ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter(r -> file.equals(TopicReader.header(r,
                DeadLetters.FILE_NAME)));
        String id = deadLetter.partition() + "-" + deadLetter.offset();

        HttpResponse<String> replayed = post("/ops/dead-letters/" + id + "/replay");
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
        assertThat(JSON.readTree(replayed.body()).get("outcome").asText()).isEqualTo("PUBLISHED");
        assertThat(JSON.readTree(replayed.body()).get("partnerEventId").asText()).isEqualTo(eventId);
        assertThat(publishedEventIds(TRAINING_BODY)).containsOnlyOnce(eventId);

        HttpResponse<String> again = post("/ops/dead-letters/" + id + "/replay");
        assertThat(JSON.readTree(again.body()).get("outcome").asText()).isEqualTo("DUPLICATE");
        assertThat(publishedEventIds(TRAINING_BODY)).containsOnlyOnce(eventId);
    }

    @Test
    void shouldReplayAnEligibilityRecordWithItsReferralAndEventIdsAndRefuseAnUnreadableOneThroughHttpAndJmx()
            throws Exception {
        // A canonical record the eligibility step failed on, for a cause since fixed: a real record of referrals.v1,
        // dead-lettered by the real writer under the step's name, as the referral state does.
        String creation = "HDF-LOGIS-" + UUID.randomUUID();
        sendToLandlordTopic(creation, Samples.text("social-landlord/logis-hdf-orientation-000871.xml")
                .replace("HDF-LOGIS-2026-000871", creation).getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<String, byte[]> canonical = await().atMost(Duration.ofSeconds(60))
                .until(() -> publishedByLandlord(creation).stream().findFirst().orElse(null), Objects::nonNull);
        String referralId = TopicReader.header(canonical, RecordHeaders.REFERRAL_ID);
        String eventId = TopicReader.header(canonical, RecordHeaders.EVENT_ID);
        deadLetters.send(consumed(canonical), "eligibility-decisions", new IllegalStateException("cause since fixed"));
        ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter(r -> "eligibility-decisions".equals(DeadLetter.route(r))
                && referralId.equals(TopicReader.header(r, RecordHeaders.REFERRAL_ID)));
        String id = deadLetter.partition() + "-" + deadLetter.offset();
        // The referral state decided the record too: wait for that decision, so the replay's is the second.
        await().atMost(Duration.ofSeconds(60)).until(() -> decisionsOf(referralId).size() == 1);

        HttpResponse<String> replayed = post("/ops/dead-letters/" + id + "/replay");
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
        JsonNode result = JSON.readTree(replayed.body());
        assertThat(result.get("outcome").asText()).isEqualTo("PUBLISHED");
        assertThat(result.get("referralId").asText()).isEqualTo(referralId);
        assertThat(result.get("eventId").asText()).isEqualTo(eventId);
        List<ConsumerRecord<String, byte[]>> decisions = decisionsOf(referralId);
        assertThat(decisions).hasSize(2);
        // Same decision id (derived from the event id) and key: consumers de-duplicate it.
        String decisionId = result.get("decisionId").asText();
        assertThat(decisions).allSatisfy(decision -> {
            assertThat(new String(decision.value(), StandardCharsets.ISO_8859_1)).contains(decisionId);
            assertThat(decision.key()).isEqualTo(canonical.key());
            assertThat(TopicReader.header(decision, RecordHeaders.EVENT_ID)).isEqualTo(eventId);
        });
        // The referrer hears of the replayed decision as of the first: a DECISION feedback under the same feedback id
        // (derived from the decision id, so the referrer de-duplicates it).
        String decisionFeedbackId = UUID.nameUUIDFromBytes(("feedback:" + decisionId + ":DECISION")
                .getBytes(StandardCharsets.UTF_8)).toString();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                TopicReader.readToEnd(bootstrapServers, "feedback." + LANDLORD, r -> referralId.equals(r.key())
                        && new String(r.value(), StandardCharsets.ISO_8859_1).contains(decisionFeedbackId)))
                .as("the referral state's DECISION feedback, then the replay's").hasSize(2));

        // Through JMX, as from Hawtio: the second replay is a duplicate, audited under the JMX user.
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String jmxReplay = (String) server.invoke(mbean.getObjectName(), "replay", new Object[] {id},
                new String[] {String.class.getName()});
        assertThat(JSON.readTree(jmxReplay).get("outcome").asText()).isEqualTo("DUPLICATE");
        assertThat(decisionsOf(referralId)).hasSize(2);
        assertThat(auditOf(id)).last().satisfies(entry -> {
            assertThat(entry.get("actor").asText()).isEqualTo(DeadLettersMBean.UNKNOWN_USER);
            assertThat(entry.get("channel").asText()).isEqualTo("JMX");
            assertThat(entry.get("outcome").asText()).isEqualTo("DUPLICATE");
        });

        // A record that is not Avro: refused again, through JMX too, and no new dead letter.
        String poisonKey = "poison-" + UUID.randomUUID();
        deadLetters.send(consumed(new ConsumerRecord<>(referralsTopic, 0, 0L, poisonKey,
                "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8))), "eligibility-decisions",
                new IllegalStateException("not Avro"));
        Predicate<ConsumerRecord<String, byte[]>> poisonOfEligibility = r -> poisonKey.equals(r.key())
                && "eligibility-decisions".equals(DeadLetter.route(r));
        ConsumerRecord<String, byte[]> poison = awaitDeadLetter(poisonOfEligibility);
        String poisonId = poison.partition() + "-" + poison.offset();
        HttpResponse<String> refused = post("/ops/dead-letters/" + poisonId + "/replay");
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(refused.body()).get("reasons").get(0).asText()).containsIgnoringCase("magic byte");
        String jmxRefused = (String) server.invoke(mbean.getObjectName(), "replay", new Object[] {poisonId},
                new String[] {String.class.getName()});
        assertThat(JSON.readTree(jmxRefused).get("outcome").asText()).isEqualTo("REFUSED");
        assertThat(deadLettersWhere(poisonOfEligibility)).hasSize(1);

        // Count and list through JMX: metadata only, newest first.
        long count = (Long) server.invoke(mbean.getObjectName(), "count", new Object[0], new String[0]);
        assertThat(count).isGreaterThanOrEqualTo(2);
        String jmxList = (String) server.invoke(mbean.getObjectName(), "listDeadLetters", new Object[] {2},
                new String[] {int.class.getName()});
        JsonNode listing = JSON.readTree(jmxList);
        assertThat(listing.get("items")).hasSize(2);
        // The two newest: the poison record's dead letters (eligibility's and counselling distribution's, in either
        // order since they are on different partitions).
        List<String> newest = new ArrayList<>();
        listing.get("items").forEach(item -> newest.add(item.get("id").asText()));
        assertThat(newest).contains(poisonId);
        assertThat(jmxList).doesNotContain("avro\"");
    }

    @Test
    void shouldPageNewestFirstWithoutRepeatingOrSkippingAndAnswerProblemsForUnknownIds() throws Exception {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String file = "paging-" + UUID.randomUUID() + ".csv";
            deadLetters.sendFileRow("training-body-file-intake", TRAINING_BODY + "/" + file + "#2", TRAINING_BODY, file,
                    2, "id_evenement", "x".getBytes(StandardCharsets.UTF_8), new IllegalStateException("paging"),
                    "(row) paging");
            ConsumerRecord<String, byte[]> written = awaitDeadLetter(r -> file.equals(TopicReader.header(r,
                    DeadLetters.FILE_NAME)));
            expected.add(0, written.partition() + "-" + written.offset());
        }
        List<String> seen = new ArrayList<>();
        String before = null;
        for (int page = 0; page < 3; page++) {
            JsonNode listing = JSON.readTree(get("/ops/dead-letters?limit=2" + (before == null ? "" : "&before="
                    + before)).body());
            listing.get("items").forEach(item -> seen.add(item.get("id").asText()));
            before = listing.get("next").asText();
        }
        // Nothing was written meanwhile by this test; other dead letters are older than these five.
        assertThat(seen.subList(0, 5)).containsExactlyElementsOf(expected);
        assertThat(seen).doesNotHaveDuplicates();

        assertThat(get("/ops/dead-letters/0-999999999").statusCode()).isEqualTo(404);
        assertThat(post("/ops/dead-letters/not-an-id/replay").statusCode()).isEqualTo(404);
        HttpResponse<String> badLimit = get("/ops/dead-letters?limit=0");
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(badLimit.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    /** The record as the eligibility route's consumer hands it over: bytes, key, coordinates and headers. */
    private Exchange consumed(ConsumerRecord<String, byte[]> record) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(record.value());
        exchange.getMessage().setHeader(KafkaConstants.TOPIC, record.topic());
        exchange.getMessage().setHeader(KafkaConstants.PARTITION, record.partition());
        exchange.getMessage().setHeader(KafkaConstants.OFFSET, record.offset());
        exchange.getMessage().setHeader(KafkaConstants.KEY, record.key());
        for (Header header : record.headers()) {
            exchange.getMessage().setHeader(header.key(), header.value());
        }
        return exchange;
    }

    private ConsumerRecord<String, byte[]> awaitDeadLetter(
            java.util.function.Predicate<ConsumerRecord<String, byte[]>> which) {
        return await().atMost(Duration.ofSeconds(60))
                .until(() -> deadLettersWhere(which).stream().findFirst().orElse(null), Objects::nonNull);
    }

    private List<ConsumerRecord<String, byte[]>> deadLettersWhere(
            java.util.function.Predicate<ConsumerRecord<String, byte[]>> which) {
        return TopicReader.readToEnd(bootstrapServers, deadLettersTopic, which);
    }

    private List<JsonNode> auditOf(String deadLetterId) {
        return DeadLetterAudit.of(bootstrapServers, auditTopic, deadLettersTopic, deadLetterId);
    }

    private List<ConsumerRecord<String, byte[]>> publishedByLandlord(String partnerEventId) {
        return TopicReader.readToEnd(bootstrapServers, referralsTopic,
                r -> LANDLORD.equals(TopicReader.header(r, RecordHeaders.PARTNER_ID))
                        && partnerEventId.equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)));
    }

    private List<String> publishedEventIds(String partnerId) {
        return TopicReader.readToEnd(bootstrapServers, referralsTopic,
                        r -> partnerId.equals(TopicReader.header(r, RecordHeaders.PARTNER_ID))).stream()
                .map(r -> TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)).toList();
    }

    private List<ConsumerRecord<String, byte[]>> decisionsOf(String referralId) {
        return TopicReader.readToEnd(bootstrapServers, decisionsTopic,
                r -> referralId.equals(TopicReader.header(r, RecordHeaders.REFERRAL_ID)));
    }

    private static JsonNode itemOf(JsonNode listing, String id) {
        for (JsonNode item : listing.get("items")) {
            if (id.equals(item.get("id").asText())) {
                return item;
            }
        }
        throw new AssertionError("dead letter " + id + " not listed in " + listing);
    }

    private void sendToLandlordTopic(String key, byte[] xml) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(LANDLORD_TOPIC, 0, key, xml)).get();
        }
    }

    private static byte[] cancellationXml(String cancellation, String creation) {
        return Samples.landlordCancellation(cancellation, creation).getBytes(StandardCharsets.UTF_8);
    }

    /** Drops a CSV file in the training body's folder as a partner should (written aside, then renamed). */
    private String drop(byte[] content) throws Exception {
        String name = "cfa-btp-lyon-" + UUID.randomUUID() + ".csv";
        Path folder = dropsRoot.resolve(TRAINING_BODY);
        Path partial = folder.resolve(name + ".part");
        Files.write(partial, content);
        Files.move(partial, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        return name;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
