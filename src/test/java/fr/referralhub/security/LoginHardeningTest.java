package fr.referralhub.security;

import static fr.referralhub.testing.TestOperators.OPERATOR;
import static fr.referralhub.testing.TestOperators.OPERATOR_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.testing.SecuredHubTest;
import fr.referralhub.testing.TestCookies;
import fr.referralhub.testing.TestOperators;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Logins outside the dev profile (issue 18): guessing is slowed (429 with Retry-After after the default 5 failures of a
 * user name, Basic or form), and the session and XSRF cookies are Secure, SameSite=Strict, the session one HttpOnly.
 *
 * <p>Every test class of this context logs in from the same address, whose own limit is 20 failures an hour: this class
 * makes 10, with user names nobody else uses.
 */
@SecuredHubTest
class LoginHardeningTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @Test
    void shouldAnswer429AfterFiveFailedBasicLoginsOfAUserName() throws Exception {
        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> failed = send(TestOperators.basic(request("/ops/probe"), "mallory-basic", "guess-" + i));
            assertThat(failed.statusCode()).as("attempt " + i).isEqualTo(401);
        }
        // Blocked now, whatever the password: a blocked guesser learns nothing.
        HttpResponse<String> blocked = send(TestOperators.basic(request("/ops/probe"), "mallory-basic", "guess-6"));
        assertThat(blocked.statusCode()).as(blocked.body()).isEqualTo(429);
        assertThat(blocked.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(blocked.body()).get("type").asText()).endsWith("/login-rate-limited");
        assertThat(blocked.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 30L));

        // Another user name from the same address is not blocked.
        HttpResponse<String> operator = send(TestOperators.basic(request("/ops/probe"), OPERATOR, OPERATOR_PASSWORD));
        assertThat(operator.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswer429AfterFiveFailedFormLoginsOfAUserName() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new TestCookies())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String csrf = formToken(browser);
        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> failed = login(browser, "mallory-form", "guess-" + i, csrf);
            assertThat(failed.statusCode()).as("attempt " + i).isEqualTo(302);
            assertThat(failed.headers().firstValue("Location").orElseThrow()).contains("error");
        }
        HttpResponse<String> blocked = login(browser, "mallory-form", "guess-6", csrf);
        assertThat(blocked.statusCode()).as(blocked.body()).isEqualTo(429);
        assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void shouldSetSecureSameSiteCookiesWithAnHttpOnlySession() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new TestCookies())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> form = browser.send(request("/login").build(), HttpResponse.BodyHandlers.ofString());
        String xsrf = cookie(form.headers().allValues("Set-Cookie"), "XSRF-TOKEN");
        assertThat(xsrf).contains("Secure").containsIgnoringCase("SameSite=Strict")
                // Hawtio's script reads it to echo it in X-XSRF-TOKEN.
                .doesNotContainIgnoringCase("HttpOnly");

        HttpResponse<String> login = login(browser, OPERATOR, OPERATOR_PASSWORD, token(form.body()));
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location").orElseThrow()).doesNotContain("error");
        String session = cookie(login.headers().allValues("Set-Cookie"), "JSESSIONID");
        assertThat(session).contains("Secure").containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Strict");
    }

    private static String cookie(List<String> setCookies, String name) {
        return setCookies.stream().filter(header -> header.startsWith(name + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " cookie set: " + setCookies));
    }

    private String formToken(HttpClient browser) throws IOException, InterruptedException {
        return token(browser.send(request("/login").build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static String token(String loginPage) {
        Matcher token = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(loginPage);
        assertThat(token.find()).as(loginPage).isTrue();
        return token.group(1);
    }

    private HttpResponse<String> login(HttpClient browser, String user, String password, String csrf)
            throws IOException, InterruptedException {
        return browser.send(request("/login").setHeader("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + password
                        + "&_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
