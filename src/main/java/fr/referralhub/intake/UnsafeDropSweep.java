package fr.referralhub.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.api.FieldError;
import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerRegistry;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Route step of {@code training-body-drop-refusals}: what lies in a drop folder ({@code <root>/<folder>/}) that the
 * intake will never take is moved to the folder's {@code error/} with a report saying why, instead of lying there
 * unreported: a symbolic link (dangling or not: the link itself is moved, its target never opened), a hidden file, a
 * name with a control character or outside the drop pattern ({@link DropNames}), a pipe or device, a {@code .tmp}
 * abandoned for a day. Each counts as a rejected input of the folder's partner ({@code hub.intake.outcomes}).
 *
 * <p>What is left alone: drops ({@code <name>.csv}, for the intake), {@code .tmp} files still changing, the file
 * consumer's lock markers, sub-folders (done/, error/, or a partner's own: the intake never reads them), and for a
 * minute any other file that changes, so that a tool's own temporary name (an upload client's) is not taken from
 * under it mid-write.
 */
@Component("unsafeDropSweep")
public class UnsafeDropSweep {

    static final String SYMBOLIC_LINK = "is a symbolic link (dangling or not): links are never followed, drop the file "
            + "itself";
    /** How long a file must be unchanged before its name is judged (a file being written keeps changing). */
    static final Duration SETTLE = Duration.ofMinutes(1);
    /** How long a .tmp may stay unchanged before it is taken for an abandoned upload. */
    static final Duration ABANDONED_AFTER = Duration.ofDays(1);
    private static final Logger log = LoggerFactory.getLogger(UnsafeDropSweep.class);

    private final PartnerRegistry partners;
    private final IntakeAccounting accounting;
    private final ObjectMapper json;
    private final Path root;
    private final Clock clock = Clock.systemUTC();

    public UnsafeDropSweep(PartnerRegistry partners, IntakeAccounting accounting, ObjectMapper json,
                           @Value("${hub.intake.file-drops.root}") String root) {
        this.partners = partners;
        this.accounting = accounting;
        this.json = json;
        this.root = Path.of(root);
    }

    /** One pass over every folder of the drops root (the timer's exchange carries the refusals' tally). */
    public void sweep(Exchange exchange) {
        if (!Files.isDirectory(root)) {
            return;
        }
        IntakeAccounting.Tally tally = accounting.openTally(exchange, IntakeChannel.CSV_FILE);
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(root)) {
            for (Path folder : folders) {
                // A link under the root is the operator's, never followed (the file consumer's filter skips it too).
                if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS) && errorFolderUsable(folder)) {
                    sweep(folder, tally);
                }
            }
        } catch (IOException e) {
            log.warn("Could not list the drop folders of {}: {}", root, e.toString());
        }
    }

    private void sweep(Path folder, IntakeAccounting.Tally tally) {
        Instant now = clock.instant();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    Optional<String> reason = whyRefused(entry.getFileName().toString(), attributes, now);
                    if (reason.isPresent()) {
                        refuse(folder, entry, reason.get(), tally);
                    }
                } catch (NoSuchFileException e) {
                    // Gone meanwhile: renamed by the partner, or taken by another hub instance sharing the folder.
                } catch (IOException | UncheckedIOException e) {
                    log.warn("Drop folder {}: could not refuse {} ({}); tried again on the next pass",
                            folder.getFileName(), DropNames.printable(entry.getFileName().toString()), e.toString());
                }
            }
        } catch (IOException e) {
            log.warn("Could not list the drop folder {}: {}", folder.getFileName(), e.toString());
        }
    }

    /** Why the entry is refused, or empty when it is left for now. */
    static Optional<String> whyRefused(String name, BasicFileAttributes attributes, Instant now) {
        if (attributes.isSymbolicLink()) {
            return Optional.of(SYMBOLIC_LINK);
        }
        if (attributes.isDirectory()) {
            return Optional.empty();
        }
        if (attributes.isRegularFile() && (DropNames.isDrop(name) || DropNames.isConsumerLock(name))) {
            return Optional.empty();
        }
        Instant changed = attributes.lastModifiedTime().toInstant();
        if (attributes.isRegularFile() && DropNames.isInProgress(name)) {
            return unchangedFor(changed, now, ABANDONED_AFTER)
                    ? Optional.of("is a .tmp file unchanged for a day: an upload that never finished? Rename a file "
                            + "to .csv once it is whole")
                    : Optional.empty();
        }
        if (!unchangedFor(changed, now, SETTLE)) {
            return Optional.empty();
        }
        if (!attributes.isRegularFile()) {
            return Optional.of("is not a regular file (a pipe, a socket or a device)");
        }
        return DropNames.whyRefused(name);
    }

    /** A date in the future (a clock ahead, a date set by hand) is not a file being written now. */
    private static boolean unchangedFor(Instant changed, Instant now, Duration period) {
        return changed.plus(period).isBefore(now) || changed.isAfter(now.plus(SETTLE));
    }

    /**
     * Moves the entry to error/ under a plain name (the link itself, never what it points to) and writes its report
     * beside it.
     */
    private void refuse(Path folder, Path entry, String reason, IntakeAccounting.Tally tally) throws IOException {
        Path error = folder.resolve(TrainingBodyFileDrops.ERROR);
        Files.createDirectories(error);
        String name = entry.getFileName().toString();
        String target = DropNames.freeName(error, DropNames.storedName(name));
        // Without REPLACE_EXISTING: a name taken meanwhile fails the move, and the next pass picks another.
        Files.move(entry, error.resolve(target));
        String partnerFolder = folder.getFileName().toString();
        DropReport report = new DropReport(partnerFolder, name);
        report.refuse(List.of(new FieldError(TrainingBodyCsvReader.FILE, reason)));
        report.storedAs(target);
        report.writeBeside(error, target, json);
        tally.note(partners.find(partnerFolder).filter(TrainingBodyFileDrops::acceptsFiles).map(Partner::id)
                .orElse(IntakeAccounting.UNKNOWN_PARTNER), IntakeAccounting.Outcome.REJECTED);
        log.warn("File {}/{} REFUSED: {} -> {}", partnerFolder, DropNames.printable(name), reason, error.resolve(target));
    }

    /**
     * error/ must be the folder's own before anything is moved into it: a link there (a partner's) is removed, as
     * every move would follow it out of the drop folder; a file there is left for an operator, and nothing is
     * refused in that folder until then.
     */
    private boolean errorFolderUsable(Path folder) {
        Path error = folder.resolve(TrainingBodyFileDrops.ERROR);
        try {
            if (Files.isSymbolicLink(error)) {
                log.warn("Drop folder {}: error was a symbolic link; removed, error/ is the hub's", folder.getFileName());
                Files.delete(error);
            }
        } catch (IOException e) {
            log.error("Drop folder {}: could not remove the symbolic link error ({})", folder.getFileName(), e.toString());
            return false;
        }
        if (Files.exists(error, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(error, LinkOption.NOFOLLOW_LINKS)) {
            log.error("Drop folder {}: error is a file, not a folder; nothing is refused there until it is removed",
                    folder.getFileName());
            return false;
        }
        return true;
    }
}
