package fr.referralhub.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/**
 * Hub instances reading each other's state: only a fresh request signed with the shared key is taken, and only the
 * owner's signed answer to that request.
 */
class PeerSignatureTest {

    private static final byte[] KEY = "derived-peer-key".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private static final String PATH = "/internal/v1/referral-state/referrals/abc";

    private final PeerSignature peer = new PeerSignature(KEY, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void shouldTakeAFreshRequestSignedWithTheSameKey() {
        String[] signed = peer.sign("GET", PATH);
        assertThat(peer.verify("GET", PATH, signed[0], signed[1])).isTrue();
    }

    @Test
    void shouldRefuseAnotherPathAnotherKeyAMissingOrMalformedSignature() {
        String[] signed = peer.sign("GET", PATH);
        assertThat(peer.verify("GET", PATH + "x", signed[0], signed[1])).isFalse();
        assertThat(new PeerSignature("other".getBytes(StandardCharsets.UTF_8), Clock.fixed(NOW, ZoneOffset.UTC))
                .verify("GET", PATH, signed[0], signed[1])).isFalse();
        assertThat(peer.verify("GET", PATH, null, signed[1])).isFalse();
        assertThat(peer.verify("GET", PATH, signed[0], null)).isFalse();
        assertThat(peer.verify("GET", PATH, "yesterday", signed[1])).isFalse();
    }

    @Test
    void shouldTakeOnlyTheOwnersAnswerToThisVeryRequest() {
        String request = peer.sign("GET", PATH)[1];
        byte[] body = "{\"referralId\":\"abc\",\"partnerId\":\"ft-93\"}".getBytes(StandardCharsets.UTF_8);
        String answer = peer.signAnswer(request, 200, body);

        assertThat(peer.verifyAnswer(request, 200, body, answer)).isTrue();
        assertThat(peer.verifyAnswer(request, 200, "{\"referralId\":\"abc\",\"partnerId\":\"other\"}"
                .getBytes(StandardCharsets.UTF_8), answer)).as("another body").isFalse();
        assertThat(peer.verifyAnswer(request, 404, body, answer)).as("another status").isFalse();
        String otherRequest = peer.sign("GET", PATH + "x")[1];
        assertThat(peer.verifyAnswer(otherRequest, 200, body, answer)).as("an answer to another request").isFalse();
        assertThat(peer.verifyAnswer(request, 200, body, null)).as("unsigned: whoever listens there").isFalse();
        assertThat(new PeerSignature("other".getBytes(StandardCharsets.UTF_8), Clock.fixed(NOW, ZoneOffset.UTC))
                .verifyAnswer(request, 200, body, answer)).as("another key").isFalse();
    }

    @Test
    void shouldRefuseARequestReplayedLaterThanThirtySeconds() {
        String[] signed = peer.sign("GET", PATH);
        PeerSignature later = new PeerSignature(KEY, Clock.fixed(NOW.plus(Duration.ofSeconds(31)), ZoneOffset.UTC));
        PeerSignature soon = new PeerSignature(KEY, Clock.fixed(NOW.plus(Duration.ofSeconds(29)), ZoneOffset.UTC));
        assertThat(later.verify("GET", PATH, signed[0], signed[1])).isFalse();
        assertThat(soon.verify("GET", PATH, signed[0], signed[1])).isTrue();
    }
}
