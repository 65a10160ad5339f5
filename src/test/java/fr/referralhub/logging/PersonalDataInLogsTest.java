package fr.referralhub.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every partner sample through every channel (HTTP JSON, CSV drop, XML on Kafka), valid and invalid, up to the
 * eligibility decisions, with everything logged (the hub's loggers at DEBUG, the rest at INFO, with MDC and full
 * stack traces): no line may hold a name, NIR, birth date, phone number or e-mail address of the samples.
 * The log of the run stays in target/log-scan/full-run.log.
 *
 * <p>It runs on a hub of its own (own broker, own drop folder): the other flow tests count what their partners
 * published, and must not see this run's records.
 */
@HubTest
@ExtendWith(OutputCaptureExtension.class)
class PersonalDataInLogsTest {

    private static final Path LOG = Path.of("target/log-scan/full-run.log");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Level> TALKATIVE = Map.of(
            "fr.referralhub", Level.DEBUG,
            "org.apache.camel", Level.INFO,
            "org.apache.kafka", Level.INFO,
            "kafka", Level.INFO,
            "org.springframework", Level.INFO,
            "io.hawt", Level.INFO);

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Value("${hub.topics.referrals}")
    String referralsTopic;
    @Value("${hub.topics.eligibility-decisions}")
    String decisionsTopic;
    @Value("${hub.topics.dead-letters}")
    String deadLettersTopic;
    @Value("${hub.intake.file-drops.root}")
    Path dropsRoot;

    @DynamicPropertySource
    static void ownDropFolder(DynamicPropertyRegistry registry) {
        registry.add("hub.intake.file-drops.root", () -> "target/log-scan/drops");
    }

    /** Unique per run: the samples are processed anew, not answered as duplicates of another test's. */
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void shouldKeepEveryPersonalValueOfTheSamplesOutOfTheLogsOfAFullRun(CapturedOutput console) throws Exception {
        Set<String> personal = SamplePersonalData.values();
        assertThat(personal).as("personal values read from the samples")
                .contains("202049306615471", "1 05 07 75 056 123 63", "105077505612363", "DUBOIS", "Léa",
                        "1980-06-09", "03/07/2005", "2005-07-03", "+33612345678", "samir.benali@example.org")
                .hasSizeGreaterThan(40);

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setPattern("%d %level [%thread] %logger %mdc - %msg%n%ex{full}");
        encoder.setCharset(StandardCharsets.UTF_8);
        String logged;
        List<String> published = new ArrayList<>();
        try (LogCapture capture = new LogCapture(encoder, TALKATIVE)) {
            published.addAll(employmentAgencies());
            published.addAll(trainingBody());
            published.addAll(socialLandlord());
            awaitDecisions(published);
            logged = capture.text();
        }
        Files.createDirectories(LOG.getParent());
        Files.writeString(LOG, logged);

        // The run really went through the flows and was captured.
        assertThat(logged).contains("Published partner event", "Refused partner event", "Dead-lettering row",
                "Dead-lettering record", "Partner request denied");
        for (String text : List.of(logged, console.getAll())) {
            List<String> leaks = new ArrayList<>();
            for (String value : personal) {
                Pattern pattern = Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(value) + "(?![\\p{L}\\p{N}])");
                text.lines().filter(line -> pattern.matcher(line).find())
                        .forEach(line -> leaks.add("'" + value + "' in: " + line));
            }
            assertThat(leaks).as("log lines holding personal data of the samples").isEmpty();
        }
    }

    /** Every JSON sample, valid, re-sent, and spoilt in the ways that make the hub describe the input. */
    private List<String> employmentAgencies() throws Exception {
        List<String> published = new ArrayList<>();
        List<String> samples;
        try (Stream<Path> files = Files.list(Samples.DIR.resolve("employment-agency"))) {
            samples = files.map(f -> "employment-agency/" + f.getFileName()).sorted().toList();
        }
        // Creations first: the cancellation refers to its creation.
        List<String> ordered = Stream.concat(samples.stream().filter(s -> !isCancellation(s)),
                samples.stream().filter(PersonalDataInLogsTest::isCancellation)).toList();
        for (String sample : ordered) {
            String event = unique(Samples.text(sample));
            var response = PartnerApi.post(port, event);
            assertThat(response.statusCode()).as(sample + ": " + response.body()).isEqualTo(202);
            published.add(JSON.readTree(response.body()).get("referralId").asText());
            assertThat(PartnerApi.post(port, event).body()).contains("ALREADY_RECEIVED");
            if (isCancellation(sample)) {
                continue;
            }
            ObjectNode json = (ObjectNode) JSON.readTree(event);
            String nir = json.path("beneficiaire").path("nir").asText();
            ObjectNode person = (ObjectNode) json.get("beneficiaire");
            // A NIR with a wrong control key, a NIR typed into the France Travail id, names in the date and status.
            json.put("idEvenement", json.get("idEvenement").asText() + "-SPOILT");
            if (!nir.isEmpty()) {
                person.put("nir", nir.substring(0, 13) + (nir.endsWith("00") ? "01" : "00"));
                person.put("identifiantFranceTravail", nir);
            }
            person.put("dateNaissance", person.path("nom").asText());
            if (json.get("situation") instanceof ObjectNode situation) {
                situation.put("statut", person.path("prenom").asText());
            }
            assertThat(PartnerApi.post(port, JSON.writeValueAsString(json)).statusCode()).isEqualTo(422);
            // Not JSON any more, cut in the middle of the person, and a key of no partner.
            String text = Samples.text(sample);
            assertThat(PartnerApi.post(port, text.substring(0, text.indexOf("\"nom\"") + 12)).statusCode())
                    .isEqualTo(400);
            assertThat(PartnerApi.post(port, event.getBytes(StandardCharsets.UTF_8), "no-such-key").statusCode())
                    .isEqualTo(401);
        }
        return published;
    }

    /** The CSV sample dropped in the training body's folder, one row of it refused. */
    private List<String> trainingBody() throws Exception {
        Path folder = dropsRoot.resolve("cfa-btp-lyon");
        String name = "log-scan-" + run + ".csv";
        Path partial = folder.resolve(name + ".part");
        Files.write(partial, unique(Samples.text("training-body/cfa-btp-lyon-2026-11-18.csv"))
                .getBytes(StandardCharsets.UTF_8));
        Files.move(partial, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        Path report = folder.resolve("done").resolve(name + ".report.json");
        // The report is written in place: wait until it is complete, not only there.
        JsonNode counts = await().atMost(Duration.ofSeconds(60)).until(() -> readable(report),
                json -> json != null && json.has("rejected"));
        assertThat(counts.get("rejected").asInt()).isEqualTo(1);
        return publishedReferrals("cfa-btp-lyon");
    }

    /** Both XML samples on the landlord's intake topic, and one refused document. */
    private List<String> socialLandlord() throws Exception {
        String invalidKey = "log-scan-invalid-" + run;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(), new ByteArraySerializer())) {
            List<String> samples;
            try (Stream<Path> files = Files.list(Samples.DIR.resolve("social-landlord"))) {
                samples = files.map(f -> "social-landlord/" + f.getFileName()).sorted().toList();
            }
            for (String sample : samples) {
                producer.send(new ProducerRecord<>("intake.logis-hdf", sample,
                        unique(Samples.text(sample)).getBytes(StandardCharsets.UTF_8))).get();
            }
            String invalid = unique(Samples.text(samples.get(0))).replace("<nature>CREATION</nature>",
                    "<nature>INCONNUE</nature>");
            producer.send(new ProducerRecord<>("intake.logis-hdf", invalidKey,
                    invalid.getBytes(StandardCharsets.UTF_8))).get();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> !TopicReader.readToEnd(bootstrapServers, deadLettersTopic,
                r -> invalidKey.equals(r.key())).isEmpty());
        List<String> published = publishedReferrals("logis-hdf");
        assertThat(published).hasSizeGreaterThanOrEqualTo(2);
        return published;
    }

    private static JsonNode readable(Path report) {
        try {
            return Files.exists(report) ? JSON.readTree(report.toFile()) : null;
        } catch (java.io.IOException stillBeingWritten) {
            return null;
        }
    }

    private List<String> publishedReferrals(String partner) {
        return TopicReader.readToEnd(bootstrapServers, referralsTopic,
                        r -> partner.equals(TopicReader.header(r, RecordHeaders.PARTNER_ID))
                                && TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID).contains(run)).stream()
                .map(r -> TopicReader.header(r, RecordHeaders.REFERRAL_ID)).toList();
    }

    private void awaitDecisions(List<String> referrals) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(TopicReader.readToEnd(bootstrapServers,
                decisionsTopic).stream().map(r -> TopicReader.header(r, RecordHeaders.REFERRAL_ID)).toList())
                .containsAll(referrals));
    }

    /** The partner's event ids made unique to this run (JSON, CSV and XML samples all start theirs this way). */
    private String unique(String sample) {
        return sample.replaceAll("\\b(FT-\\d{5}|ML-\\d{5}|CFA-BTP|HDF-LOGIS)-(\\d{4}-)", "$1-" + run + "-$2");
    }

    private static boolean isCancellation(String sample) {
        return Samples.text(sample).contains("ORIENTATION_ANNULEE");
    }
}
