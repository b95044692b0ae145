package dev.fileanalysis.server.auth;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One OIDC provider the operator trusts to sign users in.
 *
 * <p>{@code issuer} and {@code jwksUrl} may contain the placeholder {@value #TENANT_PLACEHOLDER}:
 * Microsoft's multi-tenant endpoint issues tokens whose {@code iss} names the user's own tenant
 * ({@code https://login.microsoftonline.com/{tenantid}/v2.0}), so the expected issuer is only known
 * once the token's {@code tid} has been read.
 *
 * @param id                   the name clients use to pick this provider ({@code google}, {@code microsoft}, {@code dev})
 * @param issuer               the exact {@code iss} its ID tokens carry
 * @param jwksUrl              where it publishes its signing keys
 * @param clientId             this server's client id at the provider: ID tokens must be addressed to it
 * @param allowedTenants       Microsoft tenant ids (GUIDs) whose users may sign in; empty means any tenant
 * @param allowedHostedDomains Google Workspace domains ({@code hd}) whose users may sign in; empty means any account
 * @param authorizationUrl     where a client sends the user to sign in; null when this server does not drive sign-in
 * @param tokenUrl             where a client redeems the authorization code; null likewise
 */
public record TrustedIssuer(String id, String issuer, String jwksUrl, String clientId,
        Set<String> allowedTenants, Set<String> allowedHostedDomains,
        String authorizationUrl, String tokenUrl) {

    public static final String TENANT_PLACEHOLDER = "{tenantid}";

    public TrustedIssuer {
        requireText("id", id, id);
        requireText("issuer", id, issuer);
        requireText("jwksUrl", id, jwksUrl);
        requireText("clientId", id, clientId);
        requireUrl("jwksUrl", id, jwksUrl.replace(TENANT_PLACEHOLDER, "tenant"));
        if (authorizationUrl != null) {
            requireUrl("authorizationUrl", id, authorizationUrl);
        }
        if (tokenUrl != null) {
            requireUrl("tokenUrl", id, tokenUrl);
        }
        // Tenant ids are GUIDs that Microsoft writes in lower case; comparing in one case means an
        // operator pasting an upper-case id from a portal is not silently locked out.
        allowedTenants = allowedTenants == null ? Set.of()
                : allowedTenants.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        allowedHostedDomains = allowedHostedDomains == null ? Set.of() : Set.copyOf(allowedHostedDomains);
        if (!allowedTenants.isEmpty() && !issuer.contains(TENANT_PLACEHOLDER)) {
            throw new IllegalArgumentException("Sign-in provider '" + id + "': allowedTenants only applies to a"
                    + " multi-tenant issuer, one containing " + TENANT_PLACEHOLDER + " (issuer is " + issuer + ").");
        }
    }

    /** True when the issuer is a template to be completed with the token's tenant id. */
    public boolean multiTenant() {
        return issuer.contains(TENANT_PLACEHOLDER);
    }

    /** The issuer a token from {@code tenant} must carry. */
    public String issuerFor(String tenant) {
        return issuer.replace(TENANT_PLACEHOLDER, tenant);
    }

    /** Where the signing keys of {@code tenant} are published. */
    public String jwksUrlFor(String tenant) {
        return jwksUrl.replace(TENANT_PLACEHOLDER, tenant);
    }

    private static void requireText(String field, String id, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Sign-in provider '" + id + "': " + field + " is required.");
        }
    }

    private static void requireUrl(String field, String id, String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            if (uri.getHost() == null || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
                throw new IllegalArgumentException("Sign-in provider '" + id + "': " + field
                        + " must be an http(s) URL with a host, not " + value);
            }
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("Sign-in provider '" + id + "': " + field + " is not a URL: " + value, e);
        }
    }
}
