package fr.referralhub.state;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How hub instances prove to each other that a read of the referral state comes from one of them: an HMAC-SHA256 of
 * the method, the path and the time, under a key every instance derives from the pseudonymisation secret they must
 * share anyway. The key itself never travels, and a captured request is refused once it is older than
 * {@link #MAX_AGE} (the network between instances is not trusted).
 */
final class PeerSignature {

    static final String TIME_HEADER = "X-Hub-Peer-Time";
    static final String SIGNATURE_HEADER = "X-Hub-Peer-Signature";
    static final Duration MAX_AGE = Duration.ofSeconds(30);

    private final SecretKeySpec key;
    private final Clock clock;

    PeerSignature(byte[] key, Clock clock) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.clock = clock;
    }

    /** The two headers' values for a request: time, signature. */
    String[] sign(String method, String path) {
        String time = String.valueOf(clock.millis());
        return new String[] {time, mac(method, path, time)};
    }

    boolean verify(String method, String path, String time, String signature) {
        if (time == null || signature == null) {
            return false;
        }
        long at;
        try {
            at = Long.parseLong(time);
        } catch (NumberFormatException e) {
            return false;
        }
        Duration age = Duration.between(Instant.ofEpochMilli(at), clock.instant()).abs();
        if (age.compareTo(MAX_AGE) > 0) {
            return false;
        }
        return MessageDigest.isEqual(mac(method, path, time).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(String method, String path, String time) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal((method + '\n' + path + '\n' + time)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
