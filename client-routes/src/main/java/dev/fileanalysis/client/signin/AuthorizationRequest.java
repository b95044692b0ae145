package dev.fileanalysis.client.signin;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One sign-in attempt at a provider: the fresh secrets it is bound to (state against forged
 * redirects, nonce against replayed ID tokens, PKCE against stolen codes) and the URL the
 * browser is sent to.
 */
public record AuthorizationRequest(IdentityProvider provider, URI redirectUri, String state, String nonce, Pkce pkce) {

    /** A request with a fresh nonce and PKCE verifier, for the given state. */
    public static AuthorizationRequest create(IdentityProvider provider, URI redirectUri, String state) {
        return new AuthorizationRequest(provider, redirectUri, state, RandomToken.next(), Pkce.generate());
    }

    /** The provider's authorization endpoint with the OIDC code-flow parameters (its own query kept). */
    public URI uri() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", provider.clientId());
        parameters.put("redirect_uri", redirectUri.toString());
        parameters.put("scope", provider.scopes());
        parameters.put("state", state);
        parameters.put("nonce", nonce);
        parameters.put("code_challenge", pkce.challenge());
        parameters.put("code_challenge_method", pkce.method());
        StringBuilder query = new StringBuilder();
        parameters.forEach((key, value) -> {
            if (query.length() > 0) {
                query.append('&');
            }
            query.append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
        });
        String endpoint = provider.authorizationEndpoint().toString();
        return URI.create(endpoint + (endpoint.contains("?") ? "&" : "?") + query);
    }

    @Override
    public String toString() {
        return "AuthorizationRequest[" + provider.id() + " -> " + redirectUri + "]";
    }
}
