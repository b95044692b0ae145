package dev.fileanalysis.client.signin;

import java.net.URI;

/**
 * An OIDC provider people sign in at, as the server lists it at {@code GET /auth/providers}.
 *
 * @param clientSecret null for a public client (the usual case for a desktop app); some
 *                     providers (Google's desktop clients) issue a secret that is not secret but
 *                     still expected at the token endpoint
 */
public record IdentityProvider(String id, URI authorizationEndpoint, URI tokenEndpoint, String clientId, String scopes,
                               String clientSecret) {

    public IdentityProvider withClientSecret(String secret) {
        return new IdentityProvider(id, authorizationEndpoint, tokenEndpoint, clientId, scopes, secret);
    }
}
