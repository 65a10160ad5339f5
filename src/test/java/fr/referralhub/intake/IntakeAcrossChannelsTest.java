package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The three partner channels side by side, on a real broker: a corpus mixing valid, invalid and duplicate inputs on
 * HTTP (France Travail), a CSV drop (a CFA) and XML records on a landlord's intake topic. Every input ends in exactly
 * one place (published once, refused with its reasons, or found a duplicate) and the intake counters
 * ({@code hub.intake.received}, {@code hub.intake.outcomes}) say the same. And one person referred by three partners
 * is one person on the topic.
 */
@HubTest
class IntakeAcrossChannelsTest {

    private static final String FRANCE_TRAVAIL = "france-travail-93";
    private static final String CFA = "cfa-btp-lyon";
    private static final String LANDLORD = "logis-hdf";
    private static final String LANDLORD_TOPIC = SocialLandlordIntake.TOPIC_PREFIX + LANDLORD;
    private static final String LEA_NIR = "202049306615471";
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Autowired
    SchemaRegistryProperties registry;
    @Value("${hub.topics.referrals}")
    String referralsTopic;
    @Value("${hub.topics.dead-letters}")
    String deadLettersTopic;
    @Value("${hub.intake.file-drops.root}")
    Path dropsRoot;
    @Autowired
    MeterRegistry meters;

    /** Tests share the context and broker: every event id of a test starts with its own run id. */
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void shouldAccountForEveryInputOfEveryChannelExactlyOnce() throws Exception {
        Map<String, Double> httpBefore = counters(FRANCE_TRAVAIL, IntakeChannel.HTTP_JSON);
        Map<String, Double> unknownBefore = counters(IntakeAccounting.UNKNOWN_PARTNER, IntakeChannel.HTTP_JSON);
        Map<String, Double> csvBefore = counters(CFA, IntakeChannel.CSV_FILE);
        Map<String, Double> xmlBefore = counters(LANDLORD, IntakeChannel.KAFKA_XML);

        // HTTP: 2 valid, the first sent again, 1 with an invalid NIR, 1 not JSON; and 1 with an unknown API key.
        String http1 = "ACC-HTTP-" + run + "-1";
        String http2 = "ACC-HTTP-" + run + "-2";
        assertThat(status(PartnerApi.post(port, franceTravailEvent(http1, LEA_NIR)))).isEqualTo("ACCEPTED");
        assertThat(status(PartnerApi.post(port, franceTravailEvent(http2, LEA_NIR)))).isEqualTo("ACCEPTED");
        assertThat(status(PartnerApi.post(port, franceTravailEvent(http1, LEA_NIR)))).isEqualTo("ALREADY_RECEIVED");
        assertRefused(PartnerApi.post(port, franceTravailEvent("ACC-HTTP-" + run + "-3", "1234")), 422);
        assertRefused(PartnerApi.post(port, "{\"idEvenement\": ".getBytes(StandardCharsets.UTF_8)), 400);
        assertRefused(PartnerApi.post(port, franceTravailEvent("ACC-HTTP-" + run + "-4", LEA_NIR),
                "not-a-partner-key"), 401);

        // CSV: rows 2 and 3 valid, row 4 the spreadsheet-corrupted NIR, row 5 a copy of row 2.
        String csv1 = "ACC-CSV-" + run + "-1";
        String csv2 = "ACC-CSV-" + run + "-2";
        String file = dropCsv(List.of(csvRow(csv1, "1 05 07 75 056 123 63"), csvRow(csv2, ""),
                csvRow("ACC-CSV-" + run + "-3", "2,00029E+14"), csvRow(csv1, "1 05 07 75 056 123 63")));

        // XML: 2 valid, 1 of an unknown nature, the first sent again.
        String xml1 = "ACC-XML-" + run + "-1";
        String xml2 = "ACC-XML-" + run + "-2";
        String xmlInvalid = "ACC-XML-" + run + "-3";
        sendXml(List.of(Map.entry(xml1, landlordDocument(xml1, "191025935008727")),
                Map.entry(xml2, landlordDocument(xml2, "191025935008727")),
                Map.entry(xmlInvalid, landlordDocument(xmlInvalid, "191025935008727")
                        .replace("<nature>CREATION</nature>", "<nature>INCONNUE</nature>")),
                Map.entry(xml1, landlordDocument(xml1, "191025935008727"))));

        JsonNode report = reportOf(file);
        // Counted once the batch is committed: waiting on the counter is waiting for the burst to be settled. An
        // HTTP request is counted when its exchange is done, which may be just after the answer was sent.
        await().atMost(Duration.ofSeconds(60)).until(() ->
                delta(counters(LANDLORD, IntakeChannel.KAFKA_XML), xmlBefore).get("received") >= 4
                        && delta(counters(FRANCE_TRAVAIL, IntakeChannel.HTTP_JSON), httpBefore).get("received") >= 5
                        && delta(counters(IntakeAccounting.UNKNOWN_PARTNER, IntakeChannel.HTTP_JSON), unknownBefore)
                        .get("received") >= 1);

        // Published: each valid input once, per channel.
        assertPublishedOnce("ACC-HTTP-" + run + "-", FRANCE_TRAVAIL, http1, http2);
        assertPublishedOnce("ACC-CSV-" + run + "-", CFA, csv1, csv2);
        assertPublishedOnce("ACC-XML-" + run + "-", LANDLORD, xml1, xml2);

        // Refused with reasons: HTTP answered above; the file's row and the XML record are dead-lettered.
        assertThat(report.get("rejectedRows")).singleElement().satisfies(row -> assertThat(row.get("row").asInt()).isEqualTo(4));
        assertThat(TopicReader.readToEnd(bootstrapServers, deadLettersTopic,
                r -> file.equals(TopicReader.header(r, DeadLetters.FILE_NAME)))).singleElement().satisfies(r -> {
                    assertThat(TopicReader.header(r, DeadLetters.FILE_ROW)).isEqualTo("4");
                    assertThat(TopicReader.header(r, DeadLetters.REASONS)).startsWith("nir ");
                });
        assertThat(TopicReader.readToEnd(bootstrapServers, deadLettersTopic, r -> xmlInvalid.equals(r.key())))
                .singleElement().satisfies(r -> {
                    assertThat(TopicReader.header(r, "__connect.errors.topic")).isEqualTo(LANDLORD_TOPIC);
                    assertThat(TopicReader.header(r, "__connect.errors.offset")).isNotBlank();
                    assertThat(TopicReader.header(r, DeadLetters.REASONS)).startsWith("orientation/nature ");
                });

        // Duplicates: the report counts the copied row (the HTTP copy was answered ALREADY_RECEIVED above).
        assertThat(report.get("rows").asInt()).isEqualTo(4);
        assertThat(report.get("accepted").asInt()).isEqualTo(2);
        assertThat(report.get("rejected").asInt()).isEqualTo(1);
        assertThat(report.get("duplicates").asInt()).isEqualTo(1);

        // The counters: every input received once and in exactly one outcome, per channel.
        assertThat(delta(counters(FRANCE_TRAVAIL, IntakeChannel.HTTP_JSON), httpBefore))
                .isEqualTo(accounting(5, 2, 2, 1));
        assertThat(delta(counters(IntakeAccounting.UNKNOWN_PARTNER, IntakeChannel.HTTP_JSON), unknownBefore))
                .isEqualTo(accounting(1, 0, 1, 0));
        assertThat(delta(counters(CFA, IntakeChannel.CSV_FILE), csvBefore)).isEqualTo(accounting(4, 2, 1, 1));
        assertThat(delta(counters(LANDLORD, IntakeChannel.KAFKA_XML), xmlBefore)).isEqualTo(accounting(4, 2, 1, 1));
    }

    @Test
    void shouldGiveOnePersonTheSamePersonReferenceWhicheverPartnerReferredThem() throws Exception {
        String viaHttp = "SAME-HTTP-" + run;
        String viaCsv = "SAME-CSV-" + run;
        String viaXml = "SAME-XML-" + run;
        assertThat(status(PartnerApi.post(port, franceTravailEvent(viaHttp, LEA_NIR)))).isEqualTo("ACCEPTED");
        // The CFA writes the NIR with spaces, as printed on the card.
        reportOf(dropCsv(List.of(csvRow(viaCsv, "2 02 04 93 066 154 71"))));
        sendXml(List.of(Map.entry(viaXml, landlordDocument(viaXml, LEA_NIR))));

        await().atMost(Duration.ofSeconds(60)).until(() -> published(viaXml).size() == 1);
        ConsumerRecord<String, byte[]> http = published(viaHttp).get(0);
        ConsumerRecord<String, byte[]> csv = published(viaCsv).get(0);
        ConsumerRecord<String, byte[]> xml = published(viaXml).get(0);
        assertThat(List.of(csv.key(), xml.key())).containsOnly(http.key());

        AvroDeserializer avro = registry.specificDeserializer();
        Function<ConsumerRecord<String, byte[]>, String> personReference = r ->
                ((ReferralEvent) avro.deserialize(referralsTopic, r.value())).getPerson().getPersonReference();
        assertThat(personReference.apply(http)).isEqualTo(http.key()).doesNotContain(LEA_NIR);
        assertThat(personReference.apply(csv)).isEqualTo(http.key());
        assertThat(personReference.apply(xml)).isEqualTo(http.key());
        // Three referrals of one person, each from its partner.
        assertThat(List.of(http, csv, xml)).extracting(r -> TopicReader.header(r, RecordHeaders.PARTNER_ID))
                .containsExactly(FRANCE_TRAVAIL, CFA, LANDLORD);
        assertThat(List.of(http, csv, xml)).extracting(r -> TopicReader.header(r, RecordHeaders.REFERRAL_ID))
                .doesNotHaveDuplicates();
    }

    @Test
    void shouldRefuseAnEventIdSentAgainWithOtherContentAndCountItRejected() throws Exception {
        Map<String, Double> httpBefore = counters(FRANCE_TRAVAIL, IntakeChannel.HTTP_JSON);
        Map<String, Double> csvBefore = counters(CFA, IntakeChannel.CSV_FILE);
        Map<String, Double> xmlBefore = counters(LANDLORD, IntakeChannel.KAFKA_XML);

        // HTTP: the same idEvenement with another salary is a conflict (409); the same content again a re-send.
        String viaHttp = "CONFLICT-HTTP-" + run;
        byte[] original = franceTravailEvent(viaHttp, LEA_NIR);
        byte[] changed = new String(original, StandardCharsets.UTF_8).replace("1400.00", "1500.00")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(status(PartnerApi.post(port, original))).isEqualTo("ACCEPTED");
        HttpResponse<String> conflict = PartnerApi.post(port, changed);
        assertRefused(conflict, 409);
        assertThat(JSON.readTree(conflict.body()).get("errors").get(0).get("reason").asText())
                .contains("already received with other content");
        assertThat(status(PartnerApi.post(port, original))).isEqualTo("ALREADY_RECEIVED");

        // CSV: the second row reuses the first one's id with another salary: refused and dead-lettered.
        String viaCsv = "CONFLICT-CSV-" + run;
        String row = csvRow(viaCsv, "1 05 07 75 056 123 63");
        String file = dropCsv(List.of(row, row.replace("1 050,45", "1 150,45")));
        JsonNode report = reportOf(file);
        assertThat(report.get("accepted").asInt()).isEqualTo(1);
        assertThat(report.get("duplicates").asInt()).isZero();
        assertThat(report.get("rejectedRows")).singleElement().satisfies(rejected -> {
            assertThat(rejected.get("row").asInt()).isEqualTo(3);
            assertThat(rejected.get("errors").get(0).get("reason").asText()).contains("other content");
        });

        // XML: once published, the same identifiant with other content is dead-lettered with the reason.
        String viaXml = "CONFLICT-XML-" + run;
        sendXml(List.of(Map.entry(viaXml, landlordDocument(viaXml, "191025935008727"))));
        await().atMost(Duration.ofSeconds(60)).until(() -> published(viaXml).size() == 1);
        sendXml(List.of(Map.entry(viaXml, landlordDocument(viaXml, "191025935008727")
                .replace("<besoin>MOBILITE</besoin>", ""))));
        await().atMost(Duration.ofSeconds(60)).until(() -> !TopicReader.readToEnd(bootstrapServers, deadLettersTopic,
                r -> viaXml.equals(r.key())).isEmpty());
        assertThat(TopicReader.readToEnd(bootstrapServers, deadLettersTopic, r -> viaXml.equals(r.key())))
                .singleElement().satisfies(r -> assertThat(TopicReader.header(r, DeadLetters.REASONS))
                        .contains("already received with other content"));

        for (String id : List.of(viaHttp, viaCsv, viaXml)) {
            assertThat(published(id)).hasSize(1);
        }
        await().atMost(Duration.ofSeconds(60)).until(() ->
                delta(counters(LANDLORD, IntakeChannel.KAFKA_XML), xmlBefore).get("received") >= 2
                        && delta(counters(FRANCE_TRAVAIL, IntakeChannel.HTTP_JSON), httpBefore).get("received") >= 3);
        assertThat(delta(counters(FRANCE_TRAVAIL, IntakeChannel.HTTP_JSON), httpBefore))
                .isEqualTo(accounting(3, 1, 1, 1));
        assertThat(delta(counters(CFA, IntakeChannel.CSV_FILE), csvBefore)).isEqualTo(accounting(2, 1, 1, 0));
        assertThat(delta(counters(LANDLORD, IntakeChannel.KAFKA_XML), xmlBefore)).isEqualTo(accounting(2, 1, 1, 0));
    }

    private byte[] franceTravailEvent(String eventId, String nir) {
        return Samples.text("employment-agency/ft-orientation-mobili-jeune.json")
                .replace("FT-93066-2026-11-000123", eventId)
                .replace(LEA_NIR, nir)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String status(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).get("status").asText();
    }

    private static void assertRefused(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        if (status != 401) {
            assertThat(problem.get("errors")).isNotEmpty();
        }
    }

    /** A row of the CFA's sample (Hugo's) under another event id and NIR. */
    private static String csvRow(String eventId, String nir) {
        String hugo = Samples.text(TrainingBodyCsvReaderTest.SAMPLE).lines().toList().get(1);
        return hugo.replace("CFA-BTP-2026-0042", eventId).replace("1 05 07 75 056 123 63", nir);
    }

    private String dropCsv(List<String> rows) throws Exception {
        String header = Samples.text(TrainingBodyCsvReaderTest.SAMPLE).lines().findFirst().orElseThrow();
        Path folder = dropsRoot.resolve(CFA);
        Files.createDirectories(folder);
        String name = "across-channels-" + UUID.randomUUID() + ".csv";
        Path partial = folder.resolve(name + ".part");
        Files.writeString(partial, header + "\n" + String.join("\n", rows) + "\n", StandardCharsets.UTF_8);
        Files.move(partial, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        return name;
    }

    private JsonNode reportOf(String name) throws Exception {
        Path done = dropsRoot.resolve(CFA).resolve("done");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(done.resolve(name))
                && Files.exists(done.resolve(name + ".report.json")));
        return JSON.readTree(done.resolve(name + ".report.json").toFile());
    }

    private static String landlordDocument(String eventId, String nir) {
        return Samples.text(SocialLandlordXmlReaderTest.SAMPLE_871).replace("HDF-LOGIS-2026-000871", eventId)
                .replace("191025935008727", nir);
    }

    private void sendXml(List<Map.Entry<String, String>> records) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(), new ByteArraySerializer())) {
            for (Map.Entry<String, String> record : records) {
                producer.send(new ProducerRecord<>(LANDLORD_TOPIC, record.getKey(),
                        record.getValue().getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    private List<ConsumerRecord<String, byte[]>> published(String partnerEventId) {
        return TopicReader.readToEnd(bootstrapServers, referralsTopic,
                r -> partnerEventId.equals(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)));
    }

    private void assertPublishedOnce(String prefix, String partner, String... eventIds) {
        Map<String, Long> copies = TopicReader.readToEnd(bootstrapServers, referralsTopic).stream()
                .filter(r -> String.valueOf(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID)).startsWith(prefix))
                .peek(r -> assertThat(TopicReader.header(r, RecordHeaders.PARTNER_ID)).isEqualTo(partner))
                .collect(Collectors.groupingBy(r -> TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID),
                        Collectors.counting()));
        assertThat(copies).containsOnlyKeys(eventIds).allSatisfy((id, count) -> assertThat(count).isOne());
    }

    private static Map<String, Double> accounting(double received, double published, double rejected, double duplicate) {
        return Map.of("received", received, "published", published, "rejected", rejected, "duplicate", duplicate);
    }

    private Map<String, Double> counters(String partner, IntakeChannel channel) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("received", value(meters.find(IntakeAccounting.RECEIVED).tag("partner", partner)
                .tag("channel", channel.name()).counter()));
        for (String outcome : List.of("published", "rejected", "duplicate")) {
            values.put(outcome, value(meters.find(IntakeAccounting.OUTCOMES).tag("partner", partner)
                    .tag("channel", channel.name()).tag("outcome", outcome).counter()));
        }
        return values;
    }

    private static double value(Counter counter) {
        return counter == null ? 0 : counter.count();
    }

    private static Map<String, Double> delta(Map<String, Double> now, Map<String, Double> before) {
        Map<String, Double> delta = new LinkedHashMap<>();
        now.forEach((name, value) -> delta.put(name, value - before.get(name)));
        return delta;
    }
}
