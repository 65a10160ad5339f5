package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.Samples;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * What a training body's drop folder holds besides drops, on the running hub: a symbolic link to a CSV outside the
 * drop folders, a dangling link, a hidden file, a name with a line break, a .txt and a .tmp abandoned for days each
 * end in the folder's error/ with a report saying why (the link itself moved, its target neither read nor moved),
 * and count as rejected inputs of the partner; a .tmp still being written is left alone.
 */
@HubTest
class DropFolderRefusalFlowTest {

    private static final String PARTNER = "cfa-btp-lyon";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Value("${hub.intake.file-drops.root}")
    Path dropsRoot;
    @Autowired
    MeterRegistry meters;

    @Test
    void shouldMoveLinksHiddenFilesAndOtherNamesToErrorWithAReportAndLeaveADropBeingWrittenAlone() throws Exception {
        Path folder = dropsRoot.resolve(PARTNER);
        Path error = folder.resolve("error");
        byte[] sample = Samples.bytes(TrainingBodyCsvReaderTest.SAMPLE);
        String run = UUID.randomUUID().toString();
        double rejectedBefore = rejected();

        // Written first: the pass that refuses the last file below has seen it too.
        Path beingWritten = Files.write(folder.resolve("being-written-" + run + ".tmp"), sample);

        Path outside = Files.createDirectories(Path.of("target", "outside-file-drops")).resolve("rows-" + run + ".csv");
        Files.write(outside, sample);
        Files.createSymbolicLink(folder.resolve("link-" + run + ".csv"), outside.toAbsolutePath());
        Files.createSymbolicLink(folder.resolve("dangling-" + run + ".csv"),
                folder.resolve("nothing-" + run + ".csv").toAbsolutePath());
        // A name is judged once the file has been unchanged for a minute: these were written "earlier".
        writtenAgo(folder.resolve(".hidden-" + run + ".csv"), sample, Duration.ofMinutes(2));
        writtenAgo(folder.resolve("line\nbreak-" + run + ".csv"), sample, Duration.ofMinutes(2));
        writtenAgo(folder.resolve("notes-" + run + ".txt"), sample, Duration.ofMinutes(2));
        writtenAgo(folder.resolve("abandoned-" + run + ".tmp"), sample, Duration.ofDays(2));

        // Dropped name -> stored name in error/, and the start of the reason its report gives.
        Map<String, Refusal> refusals = new LinkedHashMap<>();
        refusals.put("link-" + run + ".csv", new Refusal("link-" + run + ".csv", "is a symbolic link"));
        refusals.put("dangling-" + run + ".csv", new Refusal("dangling-" + run + ".csv", "is a symbolic link"));
        refusals.put(".hidden-" + run + ".csv", new Refusal("_hidden-" + run + ".csv", "is a hidden file"));
        refusals.put("line\nbreak-" + run + ".csv", new Refusal("line_break-" + run + ".csv", "has a control character"));
        refusals.put("notes-" + run + ".txt", new Refusal("notes-" + run + ".txt", "does not end in .csv"));
        refusals.put("abandoned-" + run + ".tmp", new Refusal("abandoned-" + run + ".tmp", "is a .tmp file unchanged"));

        await().atMost(Duration.ofSeconds(60)).until(() -> refusals.values().stream().allMatch(refusal ->
                Files.exists(error.resolve(refusal.storedAs()), LinkOption.NOFOLLOW_LINKS)
                        && Files.exists(error.resolve(refusal.storedAs() + ".report.json"))));

        refusals.forEach((dropped, refusal) -> {
            JsonNode report = read(error.resolve(refusal.storedAs() + ".report.json"));
            assertThat(report.get("file").asText()).as("report of %s", refusal.storedAs()).isEqualTo(dropped);
            assertThat(report.get("partnerFolder").asText()).isEqualTo(PARTNER);
            assertThat(report.get("outcome").asText()).isEqualTo("REFUSED");
            assertThat(report.get("rows").asInt()).isZero();
            assertThat(report.get("refusal").get(0).get("field").asText()).isEqualTo("(file)");
            assertThat(report.get("refusal").get(0).get("reason").asText()).startsWith(refusal.reason());
            if (!dropped.equals(refusal.storedAs())) {
                assertThat(report.get("storedAs").asText()).isEqualTo(refusal.storedAs());
            }
            assertThat(Files.exists(folder.resolve(dropped), LinkOption.NOFOLLOW_LINKS)).isFalse();
            assertThat(Files.exists(folder.resolve("done").resolve(refusal.storedAs()), LinkOption.NOFOLLOW_LINKS))
                    .isFalse();
        });
        // The links themselves were moved; what one pointed to is where it was, as it was.
        Path link = error.resolve("link-" + run + ".csv");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(outside.toAbsolutePath());
        assertThat(Files.readAllBytes(outside)).isEqualTo(sample);
        assertThat(Files.isSymbolicLink(error.resolve("dangling-" + run + ".csv"))).isTrue();

        assertThat(beingWritten).exists();
        // Each refused file is one rejected input of the partner (others may have been refused by earlier runs).
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(rejected()).isGreaterThanOrEqualTo(rejectedBefore + refusals.size()));
        Files.delete(beingWritten);
    }

    private record Refusal(String storedAs, String reason) {
    }

    private static void writtenAgo(Path file, byte[] content, Duration ago) throws IOException {
        Files.write(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(ago)));
    }

    private static JsonNode read(Path report) {
        try {
            return JSON.readTree(report.toFile());
        } catch (IOException e) {
            throw new AssertionError("Unreadable report " + report, e);
        }
    }

    private double rejected() {
        Counter counter = meters.find(IntakeAccounting.OUTCOMES).tag("partner", PARTNER)
                .tag("channel", IntakeChannel.CSV_FILE.name()).tag("outcome", "rejected").counter();
        return counter == null ? 0 : counter.count();
    }
}
