package dev.fileanalysis.server.directory;

import dev.fileanalysis.server.auth.TrustedIssuer;

/**
 * What a validated ID token proves about the person signing in.
 *
 * <p>A user is identified by {@code (issuer, subject)}: that pair is stable and unique per the OIDC
 * specification, whereas {@code email} can change and is only trustworthy for linking accounts
 * when {@code emailVerified} is true.
 *
 * @param provider      the {@link TrustedIssuer#id()} the token was validated against
 * @param issuer        the token's {@code iss} (for a multi-tenant provider, the tenant's own issuer)
 * @param subject       the token's {@code sub}
 * @param email         the e-mail address the provider reports, or null
 * @param emailVerified true only when the provider asserts it verified {@code email}
 * @param name          the display name, or null
 * @param tenant        the Microsoft tenant id ({@code tid}), or null
 * @param hostedDomain  the Google Workspace domain ({@code hd}), or null
 */
public record VerifiedIdentity(String provider, String issuer, String subject, String email,
        boolean emailVerified, String name, String tenant, String hostedDomain) {
}
