package fr.referralhub.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class DeadLetterCipherTest {

    private static final byte[] ROW = "CFA-BTP-2026-0042;1 05 07 75 056 123 63".getBytes(StandardCharsets.UTF_8);
    private static final String OTHER_KEY = Base64.getEncoder().encodeToString(new byte[32]);

    private final DeadLetterCipher cipher = new DeadLetterCipher(DeadLetterCipher.DEVELOPMENT_KEY);

    @Test
    void shouldGiveTheOriginalBytesBackAndNeverShowThemInClear() {
        byte[] encrypted = cipher.encrypt(ROW);

        assertThat(new String(encrypted, StandardCharsets.ISO_8859_1)).doesNotContain("CFA-BTP", "056 123");
        assertThat(cipher.decrypt(encrypted)).isEqualTo(ROW);
        // A fresh nonce each time: equal inputs do not give equal dead letters.
        assertThat(cipher.encrypt(ROW)).isNotEqualTo(encrypted);
        assertThat(cipher.decrypt(cipher.encrypt(new byte[0]))).isEmpty();
    }

    @Test
    void shouldDetectATamperedValue() {
        byte[] encrypted = cipher.encrypt(ROW);
        encrypted[encrypted.length / 2] ^= 1;

        assertThatThrownBy(() -> cipher.decrypt(encrypted)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("altered");
        assertThatThrownBy(() -> cipher.decrypt(new byte[5])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseToDecryptWithAnotherKey() {
        DeadLetterCipher other = new DeadLetterCipher(OTHER_KEY);

        assertThat(other.keyId()).isNotEqualTo(cipher.keyId()).matches("[0-9a-f]{8}");
        assertThatThrownBy(() -> other.decrypt(cipher.encrypt(ROW))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(other.keyId());
    }

    @Test
    void shouldRefuseToStartWithoutAKeyOutsideDevelopmentOrWithAWrongSizedKey() {
        assertThatThrownBy(() -> new DeadLetterCipher("", false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HUB_DEAD_LETTER_KEY");
        assertThatThrownBy(() -> new DeadLetterCipher(Base64.getEncoder().encodeToString(new byte[16])))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("32 bytes");
        assertThat(new DeadLetterCipher("", true).keyId()).isEqualTo(cipher.keyId());
    }
}
