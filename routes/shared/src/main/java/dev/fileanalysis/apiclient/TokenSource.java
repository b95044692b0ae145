package dev.fileanalysis.apiclient;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Bearer tokens from the OIDC provider's token endpoint with the OAuth client credentials grant,
 * cached until shortly before they expire. Processors use it with their service credential; on
 * the embedded default the client uses it as the dev user.
 */
public final class TokenSource implements AccessTokens {

    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI tokenUrl;
    private final String clientId;
    private final String clientSecret;
    private String token;
    private Instant renewAt = Instant.EPOCH;

    public TokenSource(HttpClient http, URI tokenUrl, String clientId, String clientSecret) {
        this.http = http;
        this.tokenUrl = tokenUrl;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    @Override
    public synchronized String token() throws IOException, InterruptedException {
        if (token == null || Instant.now().isAfter(renewAt)) {
            fetch();
        }
        return token;
    }

    /** Drops the cached token, e.g. after the server answered 401 to it. */
    @Override
    public synchronized void invalidate() {
        token = null;
    }

    private void fetch() throws IOException, InterruptedException {
        String form = form(Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", clientSecret));
        HttpRequest request = HttpRequest.newBuilder(tokenUrl)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new ServerCallException(response.statusCode(), "Sign-in at " + tokenUrl + " as '" + clientId
                    + "' failed with HTTP " + response.statusCode() + ": " + abbreviate(response.body()));
        }
        JsonNode body = JSON.readTree(response.body());
        String accessToken = body.path("access_token").asText(null);
        if (accessToken == null) {
            throw new IOException("The token endpoint " + tokenUrl + " answered without an access_token.");
        }
        long expiresIn = body.path("expires_in").asLong(300);
        token = accessToken;
        renewAt = Instant.now().plusSeconds(expiresIn).minus(RENEW_BEFORE_EXPIRY);
    }

    private static String form(Map<String, String> fields) {
        StringBuilder form = new StringBuilder();
        fields.forEach((key, value) -> {
            if (form.length() > 0) {
                form.append('&');
            }
            form.append(URLEncoder.encode(key, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
        return form.toString();
    }

    public static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
