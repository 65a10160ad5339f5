package fr.referralhub.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** Hub instances reading each other's state: only a fresh request signed with the shared key is taken. */
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
    void shouldRefuseARequestReplayedLaterThanThirtySeconds() {
        String[] signed = peer.sign("GET", PATH);
        PeerSignature later = new PeerSignature(KEY, Clock.fixed(NOW.plus(Duration.ofSeconds(31)), ZoneOffset.UTC));
        PeerSignature soon = new PeerSignature(KEY, Clock.fixed(NOW.plus(Duration.ofSeconds(29)), ZoneOffset.UTC));
        assertThat(later.verify("GET", PATH, signed[0], signed[1])).isFalse();
        assertThat(soon.verify("GET", PATH, signed[0], signed[1])).isTrue();
    }
}
