package fr.referralhub.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stores of an instance that was killed are not trusted: they are restored from the changelogs.
 *
 * <p>Why: under exactly_once_v2, Kafka Streams 3.9 writes a task's checkpoint file when its restoration completes and
 * leaves it there while the task runs (fixed upstream by KAFKA-20685, in releases after the one Camel pins). RocksDB
 * may flush writes of a transaction that is then aborted, so after a kill the store can hold, for example, an event
 * recorded as published whose publication was aborted; the partner's retry would then be told ALREADY_RECEIVED and the
 * event lost. Streams itself wipes and restores a task whose store has no checkpoint under exactly-once, so the hub
 * removes the checkpoints of a run that did not stop cleanly, before Streams starts. A clean stop (every stream thread
 * closed, checkpoints written by Streams) leaves a marker, and the next start trusts the stores, restoring only what
 * the changelogs have beyond them.
 */
final class StoresAfterCrash {

    private static final Logger log = LoggerFactory.getLogger(StoresAfterCrash.class);
    /** Task directories of Streams: sub-topology and partition ({@code 0_3}); the global store's directory is not one. */
    private static final Pattern TASK_DIRECTORY = Pattern.compile("\\d+_\\d+");
    /** Streams' own name for a task's checkpoint file. */
    static final String CHECKPOINT_FILE = ".checkpoint";

    private final Path applicationDirectory;
    private final Path marker;

    StoresAfterCrash(Path stateDir, String applicationId) {
        this.applicationDirectory = stateDir.resolve(applicationId);
        this.marker = stateDir.resolve(applicationId + ".stopped-cleanly");
    }

    /**
     * Before Streams starts: if the last run on this directory did not stop cleanly, removes its task checkpoints so
     * that Streams restores those stores from the changelogs. Consumes the marker: a crash of this run is seen by the
     * next one.
     *
     * @return how many task checkpoints were removed
     */
    int distrustIfCrashed() {
        try {
            boolean stoppedCleanly = Files.deleteIfExists(marker);
            if (stoppedCleanly || !Files.isDirectory(applicationDirectory)) {
                return 0;
            }
            int removed = 0;
            try (Stream<Path> tasks = Files.list(applicationDirectory)) {
                for (Path task : tasks.filter(Files::isDirectory)
                        .filter(dir -> TASK_DIRECTORY.matcher(dir.getFileName().toString()).matches()).toList()) {
                    if (Files.deleteIfExists(task.resolve(CHECKPOINT_FILE))) {
                        removed++;
                    }
                }
            }
            if (removed > 0) {
                log.warn("Referral state: the last run on {} did not stop cleanly; the stores of its {} tasks are "
                        + "restored from the changelogs instead of trusted", applicationDirectory, removed);
            }
            return removed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the referral state directory " + applicationDirectory, e);
        }
    }

    /** After every stream thread closed cleanly (Streams wrote the checkpoints): the next start may trust them. */
    void markCleanStop() {
        try {
            Files.createDirectories(marker.getParent());
            Files.writeString(marker, Instant.now() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            // Only costs the next start a full restoration.
            log.warn("Referral state: cannot mark the clean stop in {}: {}", marker, e.toString());
        }
    }
}
