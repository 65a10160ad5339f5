package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which names in a drop folder the intake takes, which it leaves to be written, and why the others are refused; and
 * when the sweep judges a file ({@link UnsafeDropSweep#whyRefused}).
 */
class DropNamesTest {

    @TempDir
    Path folder;

    @ParameterizedTest
    @ValueSource(strings = {"cfa-btp-lyon-2026-11-18.csv", "Export 2026 (2).CSV", "réorientations_novembre.csv",
            "lot+1.csv"})
    void shouldTakeTheNamesPartnersExportsHave(String name) {
        assertThat(DropNames.isDrop(name)).isTrue();
        assertThat(DropNames.whyRefused(name)).isEmpty();
    }

    @Test
    void shouldSayWhyANameIsRefused() {
        assertThat(DropNames.whyRefused(".x.csv")).hasValueSatisfying(r -> assertThat(r).startsWith("is a hidden file"));
        assertThat(DropNames.whyRefused("a\nb.csv")).hasValueSatisfying(r -> assertThat(r).startsWith("has a control"));
        // A right-to-left override makes "x\u202Evsc.exe" read as "xexe.csv".
        assertThat(DropNames.whyRefused("x\u202Evsc.exe")).hasValueSatisfying(r -> assertThat(r).startsWith("has a control"));
        assertThat(DropNames.whyRefused("a;b.csv")).hasValueSatisfying(r -> assertThat(r).startsWith("has a character"));
        assertThat(DropNames.whyRefused("a".repeat(DropNames.MAX_LENGTH) + ".csv"))
                .hasValueSatisfying(r -> assertThat(r).startsWith("has a name of 204 bytes"));
        assertThat(DropNames.whyRefused("rows.xlsx")).hasValueSatisfying(r -> assertThat(r).startsWith("does not end in .csv"));
        assertThat(DropNames.whyRefused("rows.tmp")).isEmpty();
    }

    @Test
    void shouldStoreARefusedFileUnderAPlainNameThatIsNeverAReport() {
        assertThat(DropNames.storedName(".x.csv")).isEqualTo("_x.csv");
        assertThat(DropNames.storedName("a\nb.csv")).isEqualTo("a_b.csv");
        assertThat(DropNames.storedName("a.report.json")).isEqualTo("a.report.json_");
        assertThat(DropNames.printable("a\nb.csv")).isEqualTo("a\\u000ab.csv");
    }

    @Test
    void shouldNotTakeAFreeNameFromADanglingLink() throws IOException {
        Files.createSymbolicLink(folder.resolve("a.csv"), folder.resolve("nothing"));
        assertThat(DropNames.freeName(folder, "a.csv")).isEqualTo("a.2.csv");
    }

    @Test
    void shouldJudgeAFileOnlyOnceItHasSettledAndATmpOnlyOnceAbandoned() throws IOException {
        Instant now = Instant.now();
        Path notes = Files.writeString(folder.resolve("notes.txt"), "x");
        Path upload = Files.writeString(folder.resolve("rows.tmp"), "x");
        assertThat(UnsafeDropSweep.whyRefused("notes.txt", attributes(notes), now)).isEmpty();
        assertThat(UnsafeDropSweep.whyRefused("rows.tmp", attributes(upload), now)).isEmpty();

        Instant later = now.plus(UnsafeDropSweep.SETTLE).plusSeconds(5);
        assertThat(UnsafeDropSweep.whyRefused("notes.txt", attributes(notes), later)).isPresent();
        assertThat(UnsafeDropSweep.whyRefused("rows.tmp", attributes(upload), later)).isEmpty();
        assertThat(UnsafeDropSweep.whyRefused("rows.tmp", attributes(upload),
                now.plus(UnsafeDropSweep.ABANDONED_AFTER).plusSeconds(5))).isPresent();

        // A date set far ahead does not keep a file "being written" for ever.
        Files.setLastModifiedTime(notes, FileTime.from(now.plus(Duration.ofDays(365))));
        assertThat(UnsafeDropSweep.whyRefused("notes.txt", attributes(notes), now)).isPresent();

        Path link = Files.createSymbolicLink(folder.resolve("link.csv"), notes);
        assertThat(UnsafeDropSweep.whyRefused("link.csv", attributes(link), now))
                .hasValue(UnsafeDropSweep.SYMBOLIC_LINK);
    }

    private static BasicFileAttributes attributes(Path entry) throws IOException {
        return Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }
}
