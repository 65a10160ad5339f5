package fr.referralhub.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * A browser's cookie jar for tests that talk plain HTTP to the hub, which outside the dev profile sets its cookies
 * {@code Secure} (in production TLS ends at a proxy in front of it, and the browser's link is HTTPS). The JDK's jar
 * would never send a Secure cookie over http://, so this one takes every link for the HTTPS one it stands for.
 */
public final class TestCookies extends CookieManager {

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) throws IOException {
        return super.get(URI.create(uri.toString().replaceFirst("^http:", "https:")), requestHeaders);
    }

    /** The value of a cookie the hub set, or null. */
    public String value(String name) {
        return getCookieStore().getCookies().stream().filter(cookie -> cookie.getName().equals(name))
                .map(java.net.HttpCookie::getValue).findFirst().orElse(null);
    }
}
