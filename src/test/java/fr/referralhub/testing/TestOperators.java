package fr.referralhub.testing;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The operators of {@link SecuredHubTest}: their passwords, and the bcrypt hashes the hub is configured with (cost 4 to
 * keep tests fast; production hashes use 12, README).
 */
public final class TestOperators {

    public static final String VIEWER = "vera-viewer";
    public static final String VIEWER_PASSWORD = "viewer-test-password";
    public static final String VIEWER_HASH = "{bcrypt}$2a$04$BWuokru6684.i1BqqPjbkuwirg9jGd38cRXqXBexgkqgjOVhC8yhG";

    public static final String OPERATOR = "oscar-operator";
    public static final String OPERATOR_PASSWORD = "operator-test-password";
    public static final String OPERATOR_HASH = "{bcrypt}$2a$04$MjC.1V22djgtUAV22nr1j.quHTrsS7Or9xNk9VbyJpcxxRzpOkuku";

    private TestOperators() {
    }

    /** HTTP Basic credentials, as scripts and Prometheus send them. */
    public static HttpRequest.Builder basic(HttpRequest.Builder request, String user, String password) {
        return request.header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
}
