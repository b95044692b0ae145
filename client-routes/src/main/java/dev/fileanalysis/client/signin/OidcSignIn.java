package dev.fileanalysis.client.signin;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTParser;
import dev.fileanalysis.apiclient.TokenSource;

/**
 * Signs a person in at an OIDC provider the way a desktop app must (RFC 8252): the
 * authorization code flow with PKCE, the system browser, and a one-shot loopback redirect. The
 * ID token is not checked here beyond its nonce: the server checks it properly (signature, iss,
 * aud, exp, nonce) when it is exchanged for a session.
 */
public final class OidcSignIn {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Duration timeout;

    /** @param timeout how long a person has to finish signing in at the provider */
    public OidcSignIn(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    /**
     * Sends {@code browser} to the provider and waits for it to come back to a loopback listener
     * that is closed again when this returns, however it returns.
     */
    public IdTokenGrant signIn(IdentityProvider provider, Browser browser) throws IOException, InterruptedException {
        String state = RandomToken.next();
        try (LoopbackRedirect redirect = LoopbackRedirect.listen(state)) {
            AuthorizationRequest request = AuthorizationRequest.create(provider, redirect.redirectUri(), state);
            browser.open(request.uri());
            String code = redirect.awaitCode(timeout);
            return exchangeCode(request, code);
        }
    }

    /** Redeems an authorization code at the token endpoint with the request's PKCE verifier. */
    public IdTokenGrant exchangeCode(AuthorizationRequest request, String code) throws IOException, InterruptedException {
        return exchangeCode(request, code, request.pkce().verifier());
    }

    /** As {@link #exchangeCode(AuthorizationRequest, String)}, with a verifier of the caller's choosing (tests prove providers check it). */
    IdTokenGrant exchangeCode(AuthorizationRequest request, String code, String codeVerifier) throws IOException, InterruptedException {
        IdentityProvider provider = request.provider();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", request.redirectUri().toString());
        form.put("client_id", provider.clientId());
        form.put("code_verifier", codeVerifier);
        if (provider.clientSecret() != null && !provider.clientSecret().isEmpty()) {
            form.put("client_secret", provider.clientSecret());
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(provider.tokenEndpoint())
                        .timeout(CALL_TIMEOUT)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(formBody(form)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = parse(response.body());
        if (response.statusCode() != 200) {
            String error = body == null ? "" : body.path("error").asText("");
            String description = body == null ? "" : body.path("error_description").asText("");
            throw new SignInException("The identity provider '" + provider.id() + "' refused to exchange the authorization code (HTTP "
                    + response.statusCode() + (error.isEmpty() ? ": " + TokenSource.abbreviate(response.body())
                    : ": " + error + (description.isEmpty() ? "" : ", " + description)) + ").");
        }
        String idToken = body == null ? null : body.path("id_token").asText(null);
        if (idToken == null || idToken.isEmpty()) {
            throw new SignInException("The identity provider '" + provider.id() + "' answered without an ID token: is 'openid' among the scopes ("
                    + provider.scopes() + ")?");
        }
        checkNonce(provider, idToken, request.nonce());
        return new IdTokenGrant(provider.id(), idToken, request.nonce());
    }

    /** A token for another sign-in would be refused by the server anyway; saying so here names the real problem. */
    private static void checkNonce(IdentityProvider provider, String idToken, String nonce) throws SignInException {
        Object inToken;
        try {
            inToken = JWTParser.parse(idToken).getJWTClaimsSet().getClaim("nonce");
        } catch (ParseException e) {
            throw new SignInException("The identity provider '" + provider.id() + "' returned an ID token that is not a JWT: " + e.getMessage());
        }
        if (!nonce.equals(inToken)) {
            throw new SignInException("The ID token from '" + provider.id() + "' was not issued for this sign-in (its nonce does not match).");
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    private static String formBody(Map<String, String> fields) {
        StringBuilder form = new StringBuilder();
        fields.forEach((key, value) -> {
            if (form.length() > 0) {
                form.append('&');
            }
            form.append(URLEncoder.encode(key, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
        return form.toString();
    }
}
