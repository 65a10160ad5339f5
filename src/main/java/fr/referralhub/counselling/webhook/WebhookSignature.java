package fr.referralhub.counselling.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a webhook request, and how a receiver checks it (self-contained: a receiver may copy this class).
 *
 * <p>The hub sends {@code X-Hub-Timestamp: <epoch seconds>} and {@code X-Hub-Signature: v1=<hex>} where hex is
 * HMAC-SHA256 with the subscription's secret over {@code <timestamp> + "." + <raw body bytes>}. A receiver recomputes
 * it over the bytes it received (before any JSON parsing), compares in constant time, and refuses a timestamp more
 * than 5 minutes away from its clock: a captured request cannot be replayed later. A delivery retried keeps its
 * {@code X-Hub-Delivery-Id} but gets a new timestamp and signature.
 */
public final class WebhookSignature {

    public static final String TIMESTAMP = "X-Hub-Timestamp";
    public static final String SIGNATURE = "X-Hub-Signature";
    public static final String DELIVERY_ID = "X-Hub-Delivery-Id";
    public static final String SUBSCRIPTION_ID = "X-Hub-Subscription-Id";
    public static final String ATTEMPT = "X-Hub-Attempt";
    /** How far a receiver accepts a timestamp from its clock. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final String VERSION = "v1=";

    private WebhookSignature() {
    }

    /** The {@code X-Hub-Signature} value for this timestamp and body. */
    public static String sign(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return VERSION + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * What a receiver does with a request: true only if the signature is the hub's for these exact bytes and the
     * timestamp is within {@link #TOLERANCE} of {@code now}.
     */
    public static boolean verify(String secret, String timestampHeader, String signatureHeader, byte[] body,
                                 Instant now) {
        if (timestampHeader == null || signatureHeader == null || !signatureHeader.startsWith(VERSION)) {
            return false;
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - timestamp) > TOLERANCE.toSeconds()) {
            return false;
        }
        byte[] expected = sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
        // Constant time: a comparison that stops at the first wrong byte tells an attacker how much it guessed.
        return MessageDigest.isEqual(expected, signatureHeader.trim().getBytes(StandardCharsets.US_ASCII));
    }
}
