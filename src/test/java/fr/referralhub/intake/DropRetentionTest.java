package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retention sweep of the drop folders on a fixed clock: originals in done/ and error/ (refused links included,
 * deleted themselves, never followed) go once there for the retention; reports stay 730 days; a file not yet
 * processed, and whatever a done/ link points to, are never touched.
 */
class DropRetentionTest {

    private static final Duration RETENTION = Duration.ofDays(30);

    @TempDir
    Path root;
    @TempDir
    Path outside;
    /** Before any file of the test is created: each is "there since" this instant or a few milliseconds later. */
    private final Instant start = Instant.now();

    @Test
    void shouldDeleteOriginalsAfterTheRetentionAndReportsAfter730Days() throws IOException {
        Path folder = Files.createDirectories(root.resolve("cfa-btp-lyon"));
        Path done = Files.createDirectories(folder.resolve("done"));
        Path error = Files.createDirectories(folder.resolve("error"));
        Path processed = Files.writeString(done.resolve("a.csv"), "id_evenement;nir\n");
        Path processedReport = Files.writeString(done.resolve("a.csv.report.json"), "{}");
        Path unreadable = Files.writeString(error.resolve("b.csv"), "id_evenement;nir\n");
        Path unreadableReport = Files.writeString(error.resolve("b.csv.report.json"), "{}");
        Path target = Files.writeString(outside.resolve("target.csv"), "not the hub's");
        Path refusedLink = Files.createSymbolicLink(error.resolve("link.csv"), target);
        Path waiting = Files.writeString(folder.resolve("waiting.csv"), "id_evenement;nir\n");
        // A done/ that is a link (a partner's): never entered.
        Path elsewhere = Files.writeString(Files.createDirectories(outside.resolve("elsewhere")).resolve("c.csv"), "c");
        Files.createSymbolicLink(Files.createDirectories(root.resolve("other-folder")).resolve("done"),
                elsewhere.getParent());

        retentionAt(RETENTION.minusDays(1)).sweep();
        assertThat(processed).exists();
        assertThat(unreadable).exists();
        assertThat(Files.isSymbolicLink(refusedLink)).isTrue();

        retentionAt(RETENTION.plusDays(1)).sweep();
        assertThat(processed).doesNotExist();
        assertThat(unreadable).doesNotExist();
        assertThat(Files.exists(refusedLink, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(target).hasContent("not the hub's");
        assertThat(processedReport).exists();
        assertThat(unreadableReport).exists();
        assertThat(waiting).exists();
        assertThat(elsewhere).exists();

        retentionAt(Duration.ofDays(729)).sweep();
        assertThat(processedReport).exists();
        retentionAt(Duration.ofDays(731)).sweep();
        assertThat(processedReport).doesNotExist();
        assertThat(unreadableReport).doesNotExist();
        assertThat(waiting).exists();
        assertThat(elsewhere).exists();
    }

    @Test
    void shouldKeepReportsAtLeastAsLongAsTheOriginals() throws IOException {
        Path done = Files.createDirectories(root.resolve("cfa-btp-lyon").resolve("done"));
        Path original = Files.writeString(done.resolve("a.csv"), "id_evenement;nir\n");
        Path report = Files.writeString(done.resolve("a.csv.report.json"), "{}");
        Duration threeYears = Duration.ofDays(3 * 365);

        new DropRetention(root, threeYears, Clock.fixed(start.plus(Duration.ofDays(800)), ZoneOffset.UTC)).sweep();
        assertThat(original).exists();
        assertThat(report).exists();
        new DropRetention(root, threeYears, Clock.fixed(start.plus(threeYears.plusDays(1)), ZoneOffset.UTC)).sweep();
        assertThat(original).doesNotExist();
        assertThat(report).doesNotExist();
    }

    @Test
    void shouldRefuseARetentionThatIsNotPositive() {
        assertThatThrownBy(() -> new DropRetention(root, Duration.ZERO, Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("done-retention");
    }

    private DropRetention retentionAt(Duration later) {
        return new DropRetention(root, RETENTION, Clock.fixed(start.plus(later), ZoneOffset.UTC));
    }
}
