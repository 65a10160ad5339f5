package fr.referralhub.intake;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import fr.referralhub.topics.TopicCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Route step of {@code training-body-drop-retention}: deletes the originals in each drop folder's {@code done/} and
 * {@code error/} once they have been there for {@code hub.intake.file-drops.done-retention} (default 30 days). They
 * hold NIRs and names; what the hub needs of them is on Kafka already (published rows, encrypted dead letters).
 *
 * <p>Reports ({@code <name>.report.json}) are kept as long as the dead letters and referral records they account for
 * ({@link TopicCatalog#RECORD_LIFE}, 730 days; never less than the originals): they hold counts, row numbers, column
 * names and reasons that never repeat a cell value ({@link DropReport}), and they are the one answer to "what became of
 * my file of March" once the file is gone. Their only partner-chosen text is the file name.
 *
 * <p>Time there is counted from the entry's last status change (ctime): the move into done/ or error/ sets it, and
 * unlike the modification time a partner cannot set it back or forward. Where the file system has none, the
 * modification time is used. Links there (refused ones) are deleted themselves, never followed; and a done/ or error/
 * that is itself a link is not entered.
 */
@Component("dropRetention")
public class DropRetention {

    private static final Logger log = LoggerFactory.getLogger(DropRetention.class);

    private final Path root;
    private final Duration originals;
    private final Duration reports;
    private final Clock clock;

    @Autowired
    public DropRetention(@Value("${hub.intake.file-drops.root}") String root,
                         @Value("${hub.intake.file-drops.done-retention}") Duration originals) {
        this(Path.of(root), originals, Clock.systemUTC());
    }

    DropRetention(Path root, Duration originals, Clock clock) {
        if (originals.isNegative() || originals.isZero()) {
            throw new IllegalArgumentException("hub.intake.file-drops.done-retention must be positive, not " + originals);
        }
        this.root = root;
        this.originals = originals;
        this.reports = originals.compareTo(TopicCatalog.RECORD_LIFE) > 0 ? originals : TopicCatalog.RECORD_LIFE;
        this.clock = clock;
    }

    /** One pass over done/ and error/ of every drop folder. */
    public void sweep() {
        if (!Files.isDirectory(root)) {
            return;
        }
        Instant now = clock.instant();
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(root)) {
            for (Path folder : folders) {
                if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                    for (String kept : List.of(TrainingBodyFileDrops.DONE, TrainingBodyFileDrops.ERROR)) {
                        sweep(folder.resolve(kept), now);
                    }
                }
            }
        } catch (IOException e) {
            log.warn("Could not list the drop folders of {}: {}", root, e.toString());
        }
    }

    private void sweep(Path kept, Instant now) {
        if (!Files.isDirectory(kept, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(kept)) {
            for (Path entry : entries) {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    if (attributes.isDirectory()) {
                        continue;
                    }
                    boolean report = DropNames.isReport(entry.getFileName().toString());
                    Duration retention = report ? reports : originals;
                    Instant since = changedAt(entry, attributes);
                    if (since.plus(retention).isBefore(now)) {
                        Files.delete(entry);
                        log.info("Deleted {}/{}/{}: {} there since {}, kept {} days", kept.getParent().getFileName(),
                                kept.getFileName(), DropNames.printable(entry.getFileName().toString()),
                                report ? "report" : "original", since, retention.toDays());
                    }
                } catch (NoSuchFileException e) {
                    // Deleted meanwhile (by another hub instance sharing the folder, or an operator).
                } catch (IOException e) {
                    log.warn("Could not delete {} past its retention: {}", DropNames.printable(entry.toString()),
                            e.toString());
                }
            }
        } catch (IOException e) {
            log.warn("Could not list {}: {}", kept, e.toString());
        }
    }

    private static Instant changedAt(Path entry, BasicFileAttributes attributes) throws IOException {
        try {
            return ((FileTime) Files.getAttribute(entry, "unix:ctime", LinkOption.NOFOLLOW_LINKS)).toInstant();
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return attributes.lastModifiedTime().toInstant();
        }
    }
}
