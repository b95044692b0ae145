package dev.fileanalysis.client.signin;


import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.apiclient.ServerCallException;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.crypto.DeviceProof;

/** The server's public sign-in endpoints ({@code /auth/...}): no bearer token, the body carries the proof. */
public final class SignInClient {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI server;

    public SignInClient(HttpClient http, URI server) {
        this.http = http;
        this.server = server;
    }

    public URI server() {
        return server;
    }

    /** The identity providers this server trusts, as it lists them. */
    public List<IdentityProvider> providers() throws IOException, InterruptedException {
        JsonNode body = send("GET", "/auth/providers", null);
        List<IdentityProvider> providers = new ArrayList<>();
        for (JsonNode provider : body.path("providers")) {
            providers.add(new IdentityProvider(provider.path("id").asText(),
                    URI.create(provider.path("authorization_endpoint").asText()),
                    URI.create(provider.path("token_endpoint").asText()),
                    provider.path("client_id").asText(),
                    provider.path("scopes").asText("openid email profile"),
                    null));
        }
        return providers;
    }

    /**
     * Trades a provider's ID token for the server's own session.
     *
     * @param device this device's key pair: its public key is registered to the person, with a proof
     *               (a signature over this sign-in's nonce) that this device holds the private key; null if none
     */
    public SessionGrant createSession(IdTokenGrant grant, ClientKeyPair device) throws IOException, InterruptedException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("provider", grant.providerId());
        body.put("id_token", grant.idToken());
        body.put("nonce", grant.nonce());
        if (device != null) {
            body.put("device", device.publicKey().clientId());
            body.put("device_proof", DeviceProof.sign(device, grant.nonce()));
        }
        try {
            return SessionGrant.parse(send("POST", "/auth/session", JSON.writeValueAsString(body)), "POST /auth/session");
        } catch (ServerCallException refused) {
            if (refused.status() == 401 || refused.status() == 403) {
                throw new ServerCallException(refused.status(), "The server refused the sign-in: " + refused.sentence(),
                        "The server refused the sign-in: " + refused.sentence());
            }
            throw refused;
        }
    }

    /**
     * Spends {@code refreshToken} (it is dead afterwards) for a new session, optionally in another organisation.
     *
     * @throws SignedOutException the server no longer accepts the token: only signing in again helps
     */
    public SessionGrant refresh(String refreshToken, String organisation) throws IOException, InterruptedException {
        return refresh(refreshToken, organisation, null);
    }

    /**
     * @param next the refresh token to rotate to, chosen here (see {@link #nextRefreshToken}); null lets the server choose
     */
    public SessionGrant refresh(String refreshToken, String organisation, String next) throws IOException, InterruptedException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("refresh_token", refreshToken);
        if (organisation != null) {
            body.put("organisation", organisation);
        }
        if (next != null) {
            body.put("next_refresh_token", next);
        }
        try {
            return SessionGrant.parse(send("POST", "/auth/refresh", JSON.writeValueAsString(body)), "POST /auth/refresh");
        } catch (ServerCallException refused) {
            if (refused.status() == 401) {
                throw new SignedOutException("Signed out: run ./pipeline login (the server no longer accepts this device's session: "
                        + refused.sentence() + ")");
            }
            throw refused;
        }
    }

    /** Ends the session at the server; repeating it is harmless. */
    public void logout(String refreshToken) throws IOException, InterruptedException {
        send("POST", "/auth/logout", JSON.writeValueAsString(Map.of("refresh_token", refreshToken)));
    }

    private JsonNode send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path))
                .timeout(CALL_TIMEOUT)
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new java.net.ConnectException("Cannot reach the server at " + server + " (" + method + " " + path
                    + "): is it running? (set client.server-url)");
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            String sentence = ServerCallException.sentenceOf(response.body());
            throw new ServerCallException(status, method + " " + path + " failed with HTTP " + status + ": " + sentence, sentence);
        }
        try {
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new IOException(method + " " + server.resolve(path) + " answered something that is not JSON: is "
                    + server + " the pipeline's server?", e);
        }
    }

    /** A fresh refresh token for the session of {@code refreshToken}: its session id, a dot, 32 random bytes. */
    public static String nextRefreshToken(String refreshToken) {
        int dot = refreshToken.indexOf('.');
        return (dot < 0 ? refreshToken : refreshToken.substring(0, dot)) + "." + RandomToken.next();
    }
}
