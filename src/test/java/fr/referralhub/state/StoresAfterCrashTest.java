package fr.referralhub.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which stores a start trusts: those of a clean stop; a killed run's task checkpoints are removed. */
class StoresAfterCrashTest {

    private static final String APPLICATION = "referral-hub-state";

    @TempDir
    Path stateDir;
    private Path application;

    @BeforeEach
    void streamsDirectory() throws IOException {
        // What Kafka Streams leaves: a directory per task with its checkpoint, the global store's, its process file.
        application = stateDir.resolve(APPLICATION);
        for (String dir : new String[] {"0_0", "0_1", "global"}) {
            Files.createDirectories(application.resolve(dir));
            Files.writeString(application.resolve(dir).resolve(StoresAfterCrash.CHECKPOINT_FILE), "0\n1\n");
        }
        Files.writeString(application.resolve("kafka-streams-process-metadata"), "{}");
    }

    @Test
    void shouldRemoveTheTaskCheckpointsOfARunThatDidNotStopCleanly() {
        assertThat(new StoresAfterCrash(stateDir, APPLICATION).distrustIfCrashed()).isEqualTo(2);

        assertThat(application.resolve("0_0").resolve(StoresAfterCrash.CHECKPOINT_FILE)).doesNotExist();
        assertThat(application.resolve("0_1").resolve(StoresAfterCrash.CHECKPOINT_FILE)).doesNotExist();
        // The global store is only ever written from its topic: nothing uncommitted can be in it.
        assertThat(application.resolve("global").resolve(StoresAfterCrash.CHECKPOINT_FILE)).exists();
        assertThat(application.resolve("kafka-streams-process-metadata")).exists();
    }

    @Test
    void shouldTrustTheStoresOfACleanStopOnceThenDistrustTheNextRunIfItIsKilled() {
        StoresAfterCrash stores = new StoresAfterCrash(stateDir, APPLICATION);
        stores.markCleanStop();

        assertThat(stores.distrustIfCrashed()).isZero();
        assertThat(application.resolve("0_0").resolve(StoresAfterCrash.CHECKPOINT_FILE)).exists();
        // The run that started is killed: it leaves no mark, and the next start removes what it checkpointed.
        assertThat(new StoresAfterCrash(stateDir, APPLICATION).distrustIfCrashed()).isEqualTo(2);
    }

    @Test
    void shouldStartAFirstRunOnANewDirectoryWithNothingToRemove() {
        assertThat(new StoresAfterCrash(stateDir.resolve("new"), APPLICATION).distrustIfCrashed()).isZero();
    }

    @Test
    void shouldKeepTheMarkersOfOtherApplicationsOnTheSameDirectory() {
        new StoresAfterCrash(stateDir, "another-application").markCleanStop();

        assertThat(new StoresAfterCrash(stateDir, APPLICATION).distrustIfCrashed()).isEqualTo(2);
        assertThat(new StoresAfterCrash(stateDir, "another-application").distrustIfCrashed()).isZero();
    }
}
