package fr.referralhub.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import fr.referralhub.embedded.SchemaRegistryUsers.Access;
import org.junit.jupiter.api.Test;

/**
 * Who the embedded registry lets in, from the {@code Authorization} header alone: a known user with its password, as
 * a reader or a writer; anything else (no header, another scheme, bad Base64, no colon, an unknown user, a wrong or
 * blank password) is nobody. The over-HTTP answers are {@code RegistryWriteAccessTest}'s.
 */
class SchemaRegistryUsersTest {

    private final SchemaRegistryUsers users = SchemaRegistryUsers.of(Map.of("hub", "hub-secret", "ops", "ops-secret"),
            Map.of("logis-hdf", "landlord-secret", "ops", "ops-secret", "hub", "hub-kafka-secret", "blank", " "));

    @Test
    void shouldTellReadersFromWriters() {
        assertThat(users.access(basic("logis-hdf:landlord-secret"))).contains(Access.READ);
        assertThat(users.access(basic("hub:hub-secret"))).contains(Access.WRITE);
        assertThat(users.access(basic("ops:ops-secret"))).contains(Access.WRITE);
        // The scheme's name is case-insensitive (RFC 7617); a password may hold colons.
        assertThat(SchemaRegistryUsers.writer("hub:a:b").access("basic " + encode("hub:a:b")))
                .contains(Access.WRITE);
    }

    @Test
    void shouldLetNobodyInWithoutAKnownUserAndItsPassword() {
        assertThat(users.access(null)).isEmpty();
        assertThat(users.access("Bearer " + encode("hub:hub-secret"))).isEmpty();
        assertThat(users.access("Basic not-base64!")).isEmpty();
        assertThat(users.access(basic("hub"))).isEmpty();
        assertThat(users.access(basic("hub:wrong"))).isEmpty();
        assertThat(users.access(basic("hub:"))).isEmpty();
        assertThat(users.access(basic("nobody:landlord-secret"))).isEmpty();
        assertThat(users.access(basic("logis-hdf:hub-secret"))).isEmpty();
        // A writer keeps its writer password, whatever another list says; a blank password is no login.
        assertThat(users.access(basic("hub:hub-kafka-secret"))).isEmpty();
        assertThat(users.access(basic("blank: "))).isEmpty();
        assertThat(users.access(basic("blank:"))).isEmpty();
    }

    @Test
    void shouldNeverShowAPassword() {
        assertThat(users.toString()).isEqualTo("3 users, 2 of them writers")
                .doesNotContain("secret");
        assertThatThrownBy(() -> SchemaRegistryUsers.writer("no-colon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("no-colon");
    }

    private static String basic(String userInfo) {
        return "Basic " + encode(userInfo);
    }

    private static String encode(String userInfo) {
        return Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }
}
