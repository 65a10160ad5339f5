package fr.referralhub.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** A partition is stuck only while records wait, its group has members and its committed offset does not move. */
class ConsumerProgressTest {

    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    private static final ConsumerProgress.Partition INTAKE =
            new ConsumerProgress.Partition("referral-hub-social-landlord-intake", "intake.logis-hdf", 0);

    private final ConsumerProgress progress = new ConsumerProgress();

    @Test
    void shouldCountTheSecondsAPartitionWithWaitingRecordsDoesNotMove() {
        assertThat(progress.observe(INTAKE, 41, 2, true, T0)).isTrue();
        assertThat(progress.observe(INTAKE, 41, 2, true, T0.plusSeconds(400))).isFalse();

        assertThat(progress.stuckSeconds(INTAKE)).isEqualTo(400);
        assertThat(progress.stuckLongerThan(Duration.ofMinutes(5))).singleElement()
                .isEqualTo(new ConsumerProgress.Stuck(INTAKE.group(), INTAKE.topic(), 0, 400));
    }

    @Test
    void shouldStartAgainWhenTheOffsetMovesOrNothingWaits() {
        progress.observe(INTAKE, 41, 2, true, T0);
        progress.observe(INTAKE, 42, 1, true, T0.plusSeconds(400));
        assertThat(progress.stuckSeconds(INTAKE)).isZero();

        progress.observe(INTAKE, 42, 1, true, T0.plusSeconds(500));
        assertThat(progress.stuckSeconds(INTAKE)).isEqualTo(100);
        progress.observe(INTAKE, 42, 0, true, T0.plusSeconds(600));
        assertThat(progress.stuckSeconds(INTAKE)).isZero();
        assertThat(progress.stuckLongerThan(Duration.ZERO)).isEmpty();
    }

    @Test
    void shouldNotCallAGroupWithoutMembersStuck() {
        // A route an operator stopped: its lag shows it, it is not stuck.
        progress.observe(INTAKE, 41, 2, false, T0);
        progress.observe(INTAKE, 41, 2, false, T0.plusSeconds(4000));
        assertThat(progress.stuckSeconds(INTAKE)).isZero();
    }
}
