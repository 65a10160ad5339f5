package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7240's {@code Prefer} header as partners' HTTP clients write it: only respond-async asks for it. */
class RespondAsyncPreferenceTest {

    @ParameterizedTest
    @ValueSource(strings = {"respond-async", "Respond-Async", "respond-async, wait=10", "wait=10, respond-async",
            " respond-async ; foo=bar", "return=minimal,respond-async"})
    void shouldHearRespondAsync(String prefer) {
        assertThat(ReferralIntake.prefersRespondAsync(prefer)).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"wait=10", "return=minimal", "respond-asynchronously", "not-respond-async", "respond_async",
            "handling=lenient"})
    void shouldNotHearItElsewhere(String prefer) {
        assertThat(ReferralIntake.prefersRespondAsync(prefer)).isFalse();
    }
}
