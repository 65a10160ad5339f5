package fr.referralhub.kafka;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Encrypts the original bytes of a dead letter, which may hold a NIR, so that nothing readable in clear reaches the
 * dead-letter topic (AES-256-GCM: confidentiality and tamper detection in one).
 *
 * <p>Layout of an encrypted value: a random 12-byte nonce, then the ciphertext with its 16-byte tag. The
 * {@link #keyId()} (first 8 hex characters of the SHA-256 of the key) goes on each dead letter so an operator knows
 * which key decrypts it after a rotation; it reveals nothing usable about the key.
 */
@Component
public class DeadLetterCipher {

    /** Known to everyone ("referral-hub-dev-only-dl-key-32b"): only for local development (profile dev). */
    public static final String DEVELOPMENT_KEY = "cmVmZXJyYWwtaHViLWRldi1vbmx5LWRsLWtleS0zMmI=";
    public static final String ALGORITHM = "AES-256-GCM";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterCipher.class);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String keyId;

    @Autowired
    public DeadLetterCipher(@Value("${hub.dead-letters.encryption-key:}") String configuredKey,
                            @Value("${hub.dead-letters.allow-development-key:false}") boolean allowDevelopmentKey) {
        this(chooseKey(configuredKey, allowDevelopmentKey));
    }

    /** @param base64Key 32 bytes, base64 */
    public DeadLetterCipher(String base64Key) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64Key.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("hub.dead-letters.encryption-key (env HUB_DEAD_LETTER_KEY) is not base64; "
                    + "generate one with: openssl rand -base64 32");
        }
        if (raw.length != 32) {
            throw new IllegalStateException("hub.dead-letters.encryption-key (env HUB_DEAD_LETTER_KEY) must be 32 bytes "
                    + "(AES-256) in base64, got " + raw.length + " bytes; generate one with: openssl rand -base64 32");
        }
        this.key = new SecretKeySpec(raw, "AES");
        this.keyId = HexFormat.of().formatHex(sha256(raw)).substring(0, 8);
    }

    private static String chooseKey(String configured, boolean allowDevelopmentKey) {
        if (!configured.isBlank()) {
            return configured;
        }
        if (!allowDevelopmentKey) {
            throw new IllegalStateException("hub.dead-letters.encryption-key (env HUB_DEAD_LETTER_KEY) is required "
                    + "outside the dev profile: dead letters keep partners' original bytes, which may hold a NIR, and "
                    + "must be encrypted with a key of your own (openssl rand -base64 32)");
        }
        log.warn("Using the public development dead-letter key: dead letters are NOT protected. "
                + "Set HUB_DEAD_LETTER_KEY outside local development.");
        return DEVELOPMENT_KEY;
    }

    /** Which key encrypted a dead letter, without revealing the key. */
    public String keyId() {
        return keyId;
    }

    public byte[] encrypt(byte[] clear) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(clear == null ? new byte[0] : clear);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /**
     * @throws IllegalArgumentException if the value was altered, is truncated or was encrypted with another key
     */
    public byte[] decrypt(byte[] encrypted) {
        if (encrypted == null || encrypted.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalArgumentException("Not an encrypted dead letter: too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, encrypted, 0, NONCE_BYTES));
            return cipher.doFinal(encrypted, NONCE_BYTES, encrypted.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new IllegalArgumentException("Dead letter cannot be decrypted with key " + keyId
                    + ": altered, or encrypted with another key");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    private static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "DeadLetterCipher[" + ALGORITHM + ", key " + keyId + "]";
    }
}
