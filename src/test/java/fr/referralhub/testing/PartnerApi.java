package fr.referralhub.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Posts partner events to the hub as the dev partners of {@code partners-dev.yaml} do: the API key is the one of
 * the partner owning the event's {@code structure.code}.
 */
public final class PartnerApi {

    public static final String FRANCE_TRAVAIL_93 = "dev-key-france-travail-93";
    public static final String MISSION_LOCALE_MARSEILLE = "dev-key-mission-locale-marseille";
    private static final Map<String, String> KEY_BY_STRUCTURE = Map.of(
            "FT-93-SAINT-DENIS", FRANCE_TRAVAIL_93,
            "FT-93-MONTREUIL", FRANCE_TRAVAIL_93,
            "ML-MARSEILLE", MISSION_LOCALE_MARSEILLE);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private PartnerApi() {
    }

    /** POST /api/v1/referrals with the key of the structure's partner (a made-up key if the body is not JSON). */
    public static HttpResponse<String> post(int port, byte[] body) throws Exception {
        return post(port, body, keyFor(body));
    }

    public static HttpResponse<String> post(int port, String body) throws Exception {
        return post(port, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static HttpResponse<String> post(int port, byte[] body, String apiKey) throws Exception {
        return send(request(port, body, apiKey));
    }

    /** POST with {@code Prefer: respond-async}: answered once the broker holds the event (docs/partners.md). */
    public static HttpResponse<String> postAnsweredOnReceipt(int port, byte[] body) throws Exception {
        return send(request(port, body, keyFor(body)).header("Prefer", "respond-async, wait=10"));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(int port, byte[] body, String apiKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/referrals"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return request;
    }

    private static String keyFor(byte[] body) {
        try {
            return KEY_BY_STRUCTURE.getOrDefault(JSON.readTree(body).path("structure").path("code").asText(), FRANCE_TRAVAIL_93);
        } catch (Exception notJson) {
            return FRANCE_TRAVAIL_93;
        }
    }
}
