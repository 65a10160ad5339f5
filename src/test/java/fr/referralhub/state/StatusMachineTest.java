package fr.referralhub.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import fr.referralhub.avro.ReferralStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every (from, to) pair of statuses against the table of DOMAIN.md's life cycle, written out here independently of
 * {@link StatusMachine}: 81 cases, each either allowed or refused with a reason naming both statuses.
 */
class StatusMachineTest {

    /** The allowed changes, as the README and OpenAPI document them. Everything else is refused. */
    private static final Set<String> ALLOWED = Set.of(
            "REQUESTED>RECEIVED", "REQUESTED>ACCEPTED", "REQUESTED>REJECTED", "REQUESTED>ON_HOLD",
            "RECEIVED>ACCEPTED", "RECEIVED>REJECTED", "RECEIVED>ON_HOLD",
            "ACCEPTED>IN_PROGRESS", "ACCEPTED>ON_HOLD",
            "IN_PROGRESS>COMPLETED", "IN_PROGRESS>ON_HOLD",
            "ON_HOLD>RECEIVED", "ON_HOLD>ACCEPTED", "ON_HOLD>REJECTED", "ON_HOLD>IN_PROGRESS");

    static List<Arguments> everyPair() {
        List<Arguments> pairs = new ArrayList<>();
        for (ReferralStatus from : ReferralStatus.values()) {
            for (ReferralStatus to : ReferralStatus.values()) {
                pairs.add(Arguments.of(from, to, ALLOWED.contains(from + ">" + to)));
            }
        }
        return pairs;
    }

    @ParameterizedTest(name = "{0} -> {1}: allowed={2}")
    @MethodSource("everyPair")
    void shouldAllowExactlyTheChangesOfTheLifeCycle(ReferralStatus from, ReferralStatus to, boolean allowed) {
        Optional<String> refusal = StatusMachine.refusal(from, to);
        assertThat(refusal.isEmpty()).as("%s -> %s: %s", from, to, refusal).isEqualTo(allowed);
        if (!allowed) {
            assertThat(refusal.get()).as("the reason names the status asked for").contains(to.name());
            if (StatusMachine.SET_BY_SERVICES.contains(to)) {
                assertThat(refusal.get()).as("the reason names both statuses").contains(from + " -> " + to);
            }
        }
    }

    @Test
    void shouldLeaveCancellationToTheReferrerAndExpiryToTheHub() {
        assertThat(StatusMachine.refusal(ReferralStatus.RECEIVED, ReferralStatus.CANCELLED)).hasValueSatisfying(
                why -> assertThat(why).contains("referrer"));
        assertThat(StatusMachine.refusal(ReferralStatus.RECEIVED, ReferralStatus.EXPIRED)).hasValueSatisfying(
                why -> assertThat(why).contains("hub"));
        assertThat(StatusMachine.SET_BY_SERVICES).doesNotContain(ReferralStatus.REQUESTED, ReferralStatus.CANCELLED,
                ReferralStatus.EXPIRED);
    }

    @Test
    void shouldRequireAReasonForRejectionCancellationAndHold() {
        assertThat(StatusMachine.NEED_A_REASON).containsExactlyInAnyOrder(ReferralStatus.REJECTED,
                ReferralStatus.CANCELLED, ReferralStatus.ON_HOLD);
    }

    @Test
    void shouldTreatRejectedCompletedCancelledAndExpiredAsFinal() {
        for (ReferralStatus status : ReferralStatus.values()) {
            boolean expected = Set.of(ReferralStatus.REJECTED, ReferralStatus.COMPLETED, ReferralStatus.CANCELLED,
                    ReferralStatus.EXPIRED).contains(status);
            assertThat(StatusMachine.isFinal(status)).as(status.name()).isEqualTo(expected);
        }
    }
}
