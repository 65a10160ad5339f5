package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.kafka.DeadLetterCipher;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/**
 * A training body's CSV file dropped in its folder, on a real broker: valid rows published, the corrupted row
 * dead-lettered (encrypted) with file name and row number, the file moved to done/ with a report whose counts add
 * up, and the same file dropped again only gives duplicates.
 */
@HubTest
class TrainingBodyFileIntakeFlowTest {

    private static final String PARTNER = "cfa-btp-lyon";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Value("${hub.topics.referrals}")
    String referralsTopic;
    @Value("${hub.topics.dead-letters}")
    String deadLettersTopic;
    @Value("${hub.intake.file-drops.root}")
    Path dropsRoot;

    @Test
    void shouldPublishValidRowsDeadLetterTheCorruptedOneAndReportThenOnlyCountDuplicatesOnASecondDrop() throws Exception {
        byte[] sample = Samples.bytes(TrainingBodyCsvReaderTest.SAMPLE);
        String first = drop(sample);

        JsonNode report = reportOf(first);
        assertThat(report.get("outcome").asText()).isEqualTo("PROCESSED");
        assertThat(report.get("rows").asInt()).isEqualTo(4);
        assertThat(report.get("accepted").asInt()).isEqualTo(3);
        assertThat(report.get("rejected").asInt()).isEqualTo(1);
        assertThat(report.get("duplicates").asInt()).isZero();
        assertThat(report.get("rejectedRows").get(0).get("row").asInt()).isEqualTo(4);
        assertThat(report.get("rejectedRows").get(0).get("errors").get(0).get("field").asText()).isEqualTo("nir");
        assertThat(report.toString()).doesNotContain("2,00029E+14", "PETIT");
        assertThat(Files.exists(partnerFolder().resolve(first))).isFalse();

        // The file is moved only once every row is acknowledged: the topic is complete now.
        assertThat(publishedEventIds()).containsExactlyInAnyOrder("CFA-BTP-2026-0042", "CFA-BTP-2026-0043",
                "CFA-BTP-2026-0045");

        List<ConsumerRecord<String, byte[]>> deadLetters = deadLettersOf(first);
        assertThat(deadLetters).singleElement().satisfies(deadLetter -> {
            assertThat(TopicReader.header(deadLetter, DeadLetters.FILE_ROW)).isEqualTo("4");
            assertThat(TopicReader.header(deadLetter, DeadLetters.REASONS)).startsWith("nir ")
                    .doesNotContain("2,00029E+14");
            assertThat(TopicReader.header(deadLetter, "__connect.errors.connector.name"))
                    .isEqualTo("training-body-file-intake");
            assertThat(TopicReader.header(deadLetter, DeadLetters.ENCRYPTION)).isEqualTo("AES-256-GCM");
            assertThat(new String(deadLetter.value(), StandardCharsets.ISO_8859_1)).doesNotContain("2,00029E+14", "PETIT");
            String original = new String(new DeadLetterCipher(DeadLetterCipher.DEVELOPMENT_KEY)
                    .decrypt(deadLetter.value()), StandardCharsets.UTF_8);
            assertThat(original).startsWith("CFA-BTP-2026-0044;").contains("2,00029E+14");
        });

        String again = drop(sample);
        JsonNode second = reportOf(again);
        assertThat(second.get("rows").asInt()).isEqualTo(4);
        assertThat(second.get("accepted").asInt()).isZero();
        assertThat(second.get("duplicates").asInt()).isEqualTo(3);
        assertThat(second.get("rejected").asInt()).isEqualTo(1);
        assertThat(publishedEventIds()).hasSize(3);
    }

    @Test
    void shouldDeadLetterARowTooBigToCopyAsItsDigestAndGoOnWithTheFile() throws Exception {
        // Its own event ids: the rows of the test above must still be new to the ledger, whichever runs first. The
        // names are not read (the hub does not carry them), so nothing limits a cell there but the file's 20 MiB.
        String ids = "CFA-BIG-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String hugeName = "M".repeat(1_500_000);
        byte[] content = Samples.text(TrainingBodyCsvReaderTest.SAMPLE).replace("CFA-BTP-2026-", ids)
                .replace("MARTIN;Hugo;03/07/2005", hugeName + ";Hugo;31/02/2005").getBytes(StandardCharsets.UTF_8);
        String name = drop(content);

        JsonNode report = reportOf(name);
        assertThat(report.get("rows").asInt()).isEqualTo(4);
        assertThat(report.get("accepted").asInt()).isEqualTo(2);
        assertThat(report.get("rejected").asInt()).isEqualTo(2);
        List<ConsumerRecord<String, byte[]>> deadLetters = deadLettersOf(name);
        assertThat(deadLetters).extracting(r -> TopicReader.header(r, DeadLetters.FILE_ROW))
                .containsExactlyInAnyOrder("2", "4");
        assertThat(deadLetters).filteredOn(r -> "2".equals(TopicReader.header(r, DeadLetters.FILE_ROW)))
                .singleElement().satisfies(digest -> {
                    assertThat(TopicReader.header(digest, DeadLetters.ORIGINAL)).isEqualTo(DeadLetters.DIGEST);
                    assertThat(Long.parseLong(TopicReader.header(digest, DeadLetters.ORIGINAL_BYTES)))
                            .isGreaterThan(1_500_000);
                    assertThat(TopicReader.header(digest, DeadLetters.REASONS)).startsWith("date_naissance ");
                    assertThat(TopicReader.header(digest, DeadLetters.FILE_HEADER)).isNull();
                });
        assertThat(deadLetters).filteredOn(r -> "4".equals(TopicReader.header(r, DeadLetters.FILE_ROW)))
                .singleElement().satisfies(whole -> assertThat(TopicReader.header(whole, DeadLetters.ORIGINAL))
                        .isEqualTo(DeadLetters.WHOLE));
    }

    @Test
    void shouldRefuseAFileOfGigabytesWithoutReadingItWhole() throws Exception {
        String name = "cfa-btp-lyon-" + UUID.randomUUID() + ".csv";
        Path partial = partnerFolder().resolve(name + ".part");
        // Sparse: 3 GiB on no disk. Read whole, it would not even fit a Java array, and be read again at each poll.
        try (RandomAccessFile file = new RandomAccessFile(partial.toFile(), "rw")) {
            file.setLength(3L * 1024 * 1024 * 1024);
        }
        Files.move(partial, partnerFolder().resolve(name), StandardCopyOption.ATOMIC_MOVE);

        Path error = partnerFolder().resolve("error");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(error.resolve(name))
                && Files.exists(error.resolve(name + ".report.json")));
        JsonNode report = JSON.readTree(error.resolve(name + ".report.json").toFile());
        assertThat(report.get("outcome").asText()).isEqualTo("REFUSED");
        assertThat(report.get("refusal").get(0).get("reason").asText()).contains("more than 20971520 bytes");
        Files.delete(error.resolve(name));
    }

    @Test
    void shouldMoveAFileOfAFolderThatIsNoPartnersToErrorWithAReport() throws Exception {
        Path folder = dropsRoot.resolve("no-such-partner");
        Files.createDirectories(folder);
        String name = "unknown-" + UUID.randomUUID() + ".csv";
        Files.write(folder.resolve(name), Samples.bytes(TrainingBodyCsvReaderTest.SAMPLE));

        Path report = folder.resolve("error").resolve(name + ".report.json");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(folder.resolve("error").resolve(name))
                && Files.exists(report));
        JsonNode json = JSON.readTree(report.toFile());
        assertThat(json.get("outcome").asText()).isEqualTo("REFUSED");
        assertThat(json.get("refusal").get(0).get("reason").asText()).contains("not the drop folder");
    }

    private Path partnerFolder() {
        return dropsRoot.resolve(PARTNER);
    }

    /** Drops the file as a partner should: written under another name, then renamed, so it is never read half-written. */
    private String drop(byte[] content) throws Exception {
        String name = "cfa-btp-lyon-" + UUID.randomUUID() + ".csv";
        Path partial = partnerFolder().resolve(name + ".part");
        Files.write(partial, content);
        Files.move(partial, partnerFolder().resolve(name), StandardCopyOption.ATOMIC_MOVE);
        return name;
    }

    private JsonNode reportOf(String name) throws Exception {
        Path done = partnerFolder().resolve("done");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(done.resolve(name))
                && Files.exists(done.resolve(name + ".report.json")));
        return JSON.readTree(done.resolve(name + ".report.json").toFile());
    }

    /** The sample's events published so far (other tests of the shared hub publish rows of their own). */
    private List<String> publishedEventIds() {
        return TopicReader.readToEnd(bootstrapServers, referralsTopic,
                        r -> PARTNER.equals(TopicReader.header(r, RecordHeaders.PARTNER_ID))).stream()
                .map(r -> TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID))
                .filter(id -> id.startsWith("CFA-BTP-2026-")).toList();
    }

    private List<ConsumerRecord<String, byte[]>> deadLettersOf(String fileName) {
        return TopicReader.readToEnd(bootstrapServers, deadLettersTopic,
                r -> fileName.equals(TopicReader.header(r, DeadLetters.FILE_NAME)));
    }
}
