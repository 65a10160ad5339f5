package fr.referralhub.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.referralhub.avro.ReferralStatusChange;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.RecordHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The publishing command of docs/partners.md and docs/services.md, run with the arguments those pages give, against
 * the hub on its embedded default: the landlord's document is published on referrals.v1, the service's report becomes
 * a status change. The files are copies of the documented ones with fresh ids (the hub is shared with other tests,
 * which may have published the sample already); everything else is the documented command line, plus the test
 * broker's address.
 */
@HubTest
class PublishOnKafkaFlowTest {

    private static final Pattern DOCUMENTED_ARGS = Pattern.compile(
            "\\./mvnw -q compile exec:java -Dexec\\.mainClass=" + Pattern.quote(PublishOnKafka.class.getName())
                    + "[\\s\\\\]+-Dexec\\.args=\"([^\"]+)\"");
    private static final Pattern DOCUMENTED_REPORT = Pattern.compile("\\{\"referralId\"[^\\n]*}");
    private static final String LANDLORD_SAMPLE_ID = "HDF-LOGIS-2026-000902";
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Autowired
    SchemaRegistryProperties registry;
    @Autowired
    HubTopicProperties topics;
    @TempDir
    Path files;

    @Test
    void shouldPublishTheLandlordsDocumentAsDocumentedAndKeepACancellationBehindItsCreation() throws Exception {
        List<String> documented = documentedArgs(Path.of("docs/partners.md"), "landlord");
        assertThat(documented).as("docs/partners.md: landlord <partnerId> <sample>").hasSize(3);
        Path sample = Path.of(documented.get(2));
        String creation = "HDF-LOGIS-" + UUID.randomUUID();
        String cancellation = "HDF-LOGIS-" + UUID.randomUUID();
        Path created = write("creation.xml", Files.readString(sample).replace(LANDLORD_SAMPLE_ID, creation));
        Path cancelled = write("cancellation.xml", Samples.landlordCancellation(cancellation, creation));

        Run run = publish(documented.get(0), documented.get(1), created.toString(), cancelled.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String topic = "intake." + documented.get(1);
        assertThat(run.out()).contains("published on " + topic);
        // Both under the creation's identifiant: one partition, the cancellation behind its creation.
        assertThat(TopicReader.readToEnd(bootstrapServers, topic, r -> creation.equals(r.key()))).hasSize(2);
        List<ConsumerRecord<String, byte[]>> published = await().atMost(Duration.ofSeconds(60)).until(
                () -> TopicReader.readToEnd(bootstrapServers, topics.referrals(), r -> List.of(creation, cancellation)
                        .contains(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID))), found -> found.size() == 2);
        assertThat(published).extracting(r -> TopicReader.header(r, RecordHeaders.EVENT_TYPE))
                .containsExactly("CREATED", "CANCELLED");
        assertThat(published).extracting(r -> TopicReader.header(r, RecordHeaders.PARTNER_ID))
                .containsOnly(documented.get(1));
    }

    @Test
    void shouldPublishTheServicesReportAsDocumented() throws Exception {
        Path page = Path.of("docs/services.md");
        List<String> documented = documentedArgs(page, "status");
        assertThat(documented).as("docs/services.md: status <serviceId> <file>").hasSize(3);
        String serviceId = documented.get(1);
        String referralId = referralDeliveredTo(serviceId);
        Matcher report = DOCUMENTED_REPORT.matcher(Files.readString(page));
        assertThat(report.find()).as("the report of docs/services.md").isTrue();
        ObjectNode json = (ObjectNode) JSON.readTree(report.group());
        json.put("referralId", referralId).put("statusEventId", "publish-test-" + UUID.randomUUID());
        Path file = write(documented.get(2), JSON.writeValueAsString(json));

        Run run = publish(documented.get(0), serviceId, file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("published on status." + serviceId, "key " + referralId);
        ReferralStatusChange change = await().atMost(Duration.ofSeconds(60)).until(
                () -> TopicReader.readToEnd(bootstrapServers, topics.referralStatusChanges(), r -> referralId.equals(r.key()))
                        .stream().map(this::decode).findFirst(), Optional::isPresent).orElseThrow();
        assertThat(change.getServiceId()).isEqualTo(serviceId);
        assertThat(change.getStatus().name()).isEqualTo(json.get("status").asText());
        assertThat(change.getChannel()).isEqualTo("KAFKA");
    }

    @Test
    void shouldRefuseAFileItCannotKeyBeforeSendingAnything() throws Exception {
        Path good = write("good.json", "{\"referralId\": \"r-" + UUID.randomUUID() + "\", \"statusEventId\": \"e\","
                + " \"status\": \"RECEIVED\"}");
        Path noReferral = write("no-referral.json", "{\"statusEventId\": \"e\", \"status\": \"RECEIVED\"}");
        Map<TopicPartition, Long> before = TopicReader.endOffsets(bootstrapServers,
                "status.adil-93");

        Run run = publish("status", "adil-93", good.toString(), noReferral.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no-referral.json", "no \"referralId\"", "nothing was published");
        assertThat(TopicReader.endOffsets(bootstrapServers, "status.adil-93")).isEqualTo(before);
        assertThat(publish("landlord").exitCode()).as("a wrong command line").isEqualTo(2);
    }

    /** The arguments of the page's documented command publishing {@code what}. */
    private static List<String> documentedArgs(Path page, String what) throws IOException {
        Matcher command = DOCUMENTED_ARGS.matcher(Files.readString(page));
        while (command.find()) {
            List<String> args = List.of(command.group(1).trim().split("\\s+"));
            if (args.get(0).equals(what)) {
                return args;
            }
        }
        throw new AssertionError(page + " documents no PublishOnKafka " + what + " command");
    }

    private record Run(int exitCode, String out, String err) {
    }

    private Run publish(String... args) {
        List<String> withBroker = new ArrayList<>(List.of(args));
        withBroker.addAll(List.of("--bootstrap-server", bootstrapServers));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = PublishOnKafka.run(withBroker.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path write(String name, String content) {
        try {
            return Files.writeString(files.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A referral of France Travail 93 (Saint-Denis, a housing need), once on the service's topic. */
    private String referralDeliveredTo(String serviceId) throws Exception {
        var accepted = PartnerApi.post(port, Samples.text("employment-agency/ft-orientation-mobili-jeune.json")
                .replace("FT-93066-2026-11-000123", "FT-PUBLISH-" + UUID.randomUUID()));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String referralId = JSON.readTree(accepted.body()).get("referralId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> !TopicReader.readToEnd(bootstrapServers,
                "counselling." + serviceId, r -> referralId.equals(r.key())).isEmpty());
        return referralId;
    }

    private ReferralStatusChange decode(ConsumerRecord<String, byte[]> record) {
        AvroDeserializer avro = registry.specificDeserializer();
        return (ReferralStatusChange) avro.deserialize(record.topic(), record.value());
    }
}
