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
 * {@link #MAX_AGE} (the network between instances is not trusted). The owner signs its answer the same way, over the
 * request's signature, its status and its body: the asking instance decides who may read a referral from that
 * answer, so whatever else listens at the owner's address (a new pod on its IP after a kill, anyone on the path)
 * must not be able to answer in its place, nor replay another request's answer.
 */
final class PeerSignature {

    static final String TIME_HEADER = "X-Hub-Peer-Time";
    static final String SIGNATURE_HEADER = "X-Hub-Peer-Signature";
    static final String ANSWER_SIGNATURE_HEADER = "X-Hub-Peer-Answer-Signature";
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

    /** The signature of the answer to the request signed {@code requestSignature}. */
    String signAnswer(String requestSignature, int status, byte[] body) {
        return mac(("ANSWER\n" + requestSignature + '\n' + status + '\n').getBytes(StandardCharsets.UTF_8), body);
    }

    boolean verifyAnswer(String requestSignature, int status, byte[] body, String signature) {
        return signature != null && MessageDigest.isEqual(signAnswer(requestSignature, status, body)
                .getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(String method, String path, String time) {
        return mac((method + '\n' + path + '\n' + time).getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    private String mac(byte[] head, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(head);
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
