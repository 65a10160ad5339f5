package fr.referralhub.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who may use the embedded registry when it is not open: HTTP Basic users (Confluent's {@code basic.auth.user.info}),
 * each one a reader or a writer. Readers read schemas, look them up and check compatibility; writers may also
 * register, change levels and modes, and delete.
 *
 * <p>Only a SHA-256 digest of each password is kept, and digests are compared in constant time, for an unknown user
 * too: the answer's timing tells neither how much of a guess was right nor whether the user exists. Never logged.
 */
public final class SchemaRegistryUsers {

    /** What a user may do. */
    enum Access { READ, WRITE }

    private record User(byte[] passwordDigest, Access access) {
    }

    /** Compared with when the user is unknown, so that an unknown user costs the same time as a wrong password. */
    private static final byte[] NOBODY = digest("");

    private final Map<String, User> users = new HashMap<>();

    private SchemaRegistryUsers() {
    }

    /**
     * @param writers user name → password of those who may also write
     * @param readers user name → password of those who may read; a writer's name among them stays a writer, with its
     *                writer password. A blank password is no login.
     */
    public static SchemaRegistryUsers of(Map<String, String> writers, Map<String, String> readers) {
        SchemaRegistryUsers registryUsers = new SchemaRegistryUsers();
        readers.forEach((name, password) -> registryUsers.add(name, password, Access.READ));
        writers.forEach((name, password) -> registryUsers.add(name, password, Access.WRITE));
        return registryUsers;
    }

    /** One writer and no reader, a registry only its owner uses: {@code user:password}. */
    public static SchemaRegistryUsers writer(String userInfo) {
        int colon = userInfo.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("Registry credentials must be user:password");
        }
        return of(Map.of(userInfo.substring(0, colon), userInfo.substring(colon + 1)), Map.of());
    }

    private void add(String name, String password, Access access) {
        if (password != null && !password.isBlank()) {
            users.put(name, new User(digest(password), access));
        }
    }

    /**
     * What a request's {@code Authorization} header lets it do: empty when the header is missing or malformed, or
     * names an unknown user or a wrong password.
     */
    Optional<Access> access(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String userInfo;
        try {
            userInfo = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        User user = users.get(userInfo.substring(0, colon));
        boolean matches = MessageDigest.isEqual(digest(userInfo.substring(colon + 1)),
                user == null ? NOBODY : user.passwordDigest());
        return user != null && matches ? Optional.of(user.access()) : Optional.empty();
    }

    private static byte[] digest(String password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password.getBytes(UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    /** For the start-up log: how many users, never a password nor a digest of one. */
    @Override
    public String toString() {
        long writers = users.values().stream().filter(user -> user.access() == Access.WRITE).count();
        return users.size() + " users, " + writers + " of them writers";
    }
}
