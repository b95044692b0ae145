package dev.fileanalysis.server.auth;

import dev.fileanalysis.server.directory.VerifiedIdentity;
import dev.fileanalysis.server.refusal.NotSignedInException;
import dev.fileanalysis.server.refusal.RefusalException;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

/**
 * Validates an OIDC ID token presented at sign-in against the provider the client says it came
 * from: signature against the provider's published keys, then {@code iss}, {@code aud}/{@code azp},
 * {@code exp}/{@code iat}/{@code nbf}, {@code nonce} and {@code sub}, plus the operator's tenant
 * and hosted-domain allow-lists. Every refusal is a 401 whose sentence names what was wrong.
 *
 * <p>Time comes from the injected {@link Clock}, not from nimbus' claims verifier (which reads the
 * system clock), so the checks here are the ones tests exercise.
 *
 * <p>E-mail: for a multi-tenant (Microsoft Entra ID) provider, the address comes from {@code email}
 * or, failing that, {@code preferred_username}, and counts as verified only when the token says
 * {@code email_verified: true}. Entra lets tenant administrators (and for some account types users)
 * set {@code email} to any address without proving ownership, and {@code preferred_username} is a
 * sign-in name, not a checked mailbox; trusting either to link accounts would let one tenant take
 * over users of another.
 */
public final class IdTokenValidator {

    /** Asymmetric only: with HMAC the "key" would be the provider's public key, which anyone has. */
    private static final Set<JWSAlgorithm> ACCEPTED_ALGORITHMS = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384);
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    private static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final Map<String, TrustedIssuer> issuers;
    private final Clock clock;
    private final PublishedKeys keys = new PublishedKeys();
    private final DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();

    public IdTokenValidator(List<TrustedIssuer> issuers, Clock clock) {
        Map<String, TrustedIssuer> byId = new LinkedHashMap<>();
        for (TrustedIssuer issuer : issuers) {
            if (byId.putIfAbsent(issuer.id(), issuer) != null) {
                throw new IllegalArgumentException("Sign-in provider '" + issuer.id() + "' is configured twice.");
            }
        }
        this.issuers = Map.copyOf(byId);
        this.clock = clock;
    }

    /**
     * @param providerId    which configured provider the token claims to come from
     * @param idToken       the compact JWT the provider returned
     * @param expectedNonce the nonce this server put into the authorization request
     * @throws RefusalException 401 naming the first check the token failed
     */
    public VerifiedIdentity validate(String providerId, String idToken, String expectedNonce) {
        TrustedIssuer provider = providerId == null ? null : issuers.get(providerId);
        if (provider == null) {
            throw refused("unknown sign-in provider '" + providerId + "'; this server trusts "
                    + String.join(", ", issuers.keySet().stream().sorted().toList()) + ".");
        }
        if (expectedNonce == null || expectedNonce.isBlank()) {
            // The caller's own bug, not the user's: without a nonce a stolen token could be replayed.
            throw new IllegalArgumentException("validate() needs the nonce the sign-in was started with.");
        }
        SignedJWT jwt = parseSigned(provider, idToken);
        JWTClaimsSet claims = claimsOf(provider, jwt);

        String tenant = optionalString(provider, claims, "tid");
        String expectedIssuer = provider.issuer();
        String jwksUrl = provider.jwksUrl();
        if (provider.multiTenant()) {
            // The tenant picks the JWKS URL we fetch, so it is checked as strictly as any URL input.
            if (tenant == null) {
                throw refused(provider, "has no tenant id (tid), which a multi-tenant provider requires");
            }
            if (!GUID.matcher(tenant).matches()) {
                throw refused(provider, "has a tenant id (tid) that is not a GUID");
            }
            if (!provider.allowedTenants().isEmpty()
                    && !provider.allowedTenants().contains(tenant.toLowerCase(Locale.ROOT))) {
                throw refused(provider, "comes from tenant " + tenant + ", which is not allowed to sign in here");
            }
            expectedIssuer = provider.issuerFor(tenant);
            jwksUrl = provider.jwksUrlFor(tenant);
        }
        String issuer = claims.getIssuer();
        if (!expectedIssuer.equals(issuer)) {
            throw refused(provider, (issuer == null ? "has no issuer (iss)" : "was issued by '" + issuer + "'")
                    + ", expected '" + expectedIssuer + "'");
        }

        verifySignature(provider, jwt, jwksUrl);

        checkHostedDomain(provider, claims);
        checkAudience(provider, claims);
        checkTimes(provider, claims);
        checkNonce(provider, claims, expectedNonce);
        String subject = claims.getSubject();
        if (subject == null || subject.isBlank()) {
            throw refused(provider, "has no subject (sub)");
        }

        String email = optionalString(provider, claims, "email");
        if (email == null && provider.multiTenant()) {
            String preferred = optionalString(provider, claims, "preferred_username");
            email = preferred != null && preferred.contains("@") ? preferred : null;
        }
        boolean emailVerified = email != null && isTrue(claims.getClaim("email_verified"));
        return new VerifiedIdentity(provider.id(), issuer, subject, email, emailVerified,
                optionalString(provider, claims, "name"), tenant, optionalString(provider, claims, "hd"));
    }

    private static SignedJWT parseSigned(TrustedIssuer provider, String idToken) {
        if (idToken == null || idToken.isBlank()) {
            throw refused("no ID token was sent for sign-in provider '" + provider.id() + "'.");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(idToken.trim());
        } catch (ParseException e) {
            throw refused(provider, "is not a well-formed JWT");
        }
        if (jwt instanceof PlainJWT) {
            throw refused(provider, "is unsigned (alg \"none\"), and unsigned tokens are never accepted");
        }
        if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT signed)) {
            throw refused(provider, "is encrypted; send the signed ID token itself");
        }
        JWSAlgorithm algorithm = signed.getHeader().getAlgorithm();
        if (!ACCEPTED_ALGORITHMS.contains(algorithm)) {
            throw refused(provider, "is signed with " + algorithm + "; only the asymmetric algorithms "
                    + "RS256, RS384, RS512, PS256, ES256 and ES384 are accepted");
        }
        return signed;
    }

    private static JWTClaimsSet claimsOf(TrustedIssuer provider, SignedJWT jwt) {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw refused(provider, "has a malformed claims set (" + e.getMessage() + ")");
        }
    }

    private void verifySignature(TrustedIssuer provider, SignedJWT jwt, String jwksUrl) {
        JWSHeader header = jwt.getHeader();
        String kid = header.getKeyID();
        String naming = kid == null ? "a key without key id (kid)" : "key '" + kid + "'";
        List<? extends Key> candidates;
        try {
            candidates = new JWSVerificationKeySelector<SecurityContext>(ACCEPTED_ALGORITHMS, keys.at(jwksUrl))
                    .selectJWSKeys(header, null);
        } catch (RateLimitReachedException e) {
            // The set was refetched moments ago for another unknown key id; it does not have this one either.
            candidates = List.of();
        } catch (KeySourceException e) {
            throw refused("could not fetch the signing keys of sign-in provider '" + provider.id() + "' from "
                    + jwksUrl + " (" + e.getMessage() + "); try again later.");
        }
        if (candidates.isEmpty()) {
            throw refused(provider, "is signed with " + naming + ", which is not among the keys the provider publishes at " + jwksUrl);
        }
        for (Key key : candidates) {
            try {
                JWSVerifier verifier = verifiers.createJWSVerifier(header, key);
                if (jwt.verify(verifier)) {
                    return;
                }
            } catch (JOSEException e) {
                // A key of the wrong type or size for this algorithm cannot have signed it; try the next.
            }
        }
        throw refused(provider, "has a signature that does not verify with the provider's " + naming);
    }

    private static void checkHostedDomain(TrustedIssuer provider, JWTClaimsSet claims) {
        if (provider.allowedHostedDomains().isEmpty()) {
            return;
        }
        String hd = optionalString(provider, claims, "hd");
        if (hd == null) {
            throw refused(provider, "has no hosted domain (hd): only accounts of "
                    + String.join(", ", provider.allowedHostedDomains()) + " may sign in");
        }
        if (!provider.allowedHostedDomains().contains(hd)) {
            throw refused(provider, "belongs to the domain " + hd + ", which is not allowed to sign in here");
        }
    }

    private static void checkAudience(TrustedIssuer provider, JWTClaimsSet claims) {
        List<String> audience = claims.getAudience();
        if (!audience.contains(provider.clientId())) {
            throw refused(provider, "is addressed to " + (audience.isEmpty() ? "no audience (aud)" : audience)
                    + ", not to this server's client id " + provider.clientId());
        }
        String azp = optionalString(provider, claims, "azp");
        if (azp != null && audience.size() > 1 && !azp.equals(provider.clientId())) {
            throw refused(provider, "was obtained by client '" + azp + "' (azp), not by this server's client id "
                    + provider.clientId());
        }
    }

    private void checkTimes(TrustedIssuer provider, JWTClaimsSet claims) {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw refused(provider, "has no expiry (exp)");
        }
        if (!now.isBefore(exp.toInstant().plus(CLOCK_SKEW))) {
            throw refused(provider, "expired at " + exp.toInstant() + "; sign in again");
        }
        Date iat = claims.getIssueTime();
        if (iat == null) {
            throw refused(provider, "has no issue time (iat)");
        }
        if (iat.toInstant().isAfter(now.plus(CLOCK_SKEW))) {
            throw refused(provider, "claims to be issued in the future (" + iat.toInstant()
                    + "); check this server's clock");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(CLOCK_SKEW))) {
            throw refused(provider, "is not valid before " + nbf.toInstant());
        }
    }

    private static void checkNonce(TrustedIssuer provider, JWTClaimsSet claims, String expectedNonce) {
        String nonce = optionalString(provider, claims, "nonce");
        if (nonce == null) {
            throw refused(provider, "has no nonce; start the sign-in again");
        }
        // Constant time, so the nonce cannot be guessed byte by byte from response timings.
        if (!MessageDigest.isEqual(nonce.getBytes(StandardCharsets.UTF_8), expectedNonce.getBytes(StandardCharsets.UTF_8))) {
            throw refused(provider, "carries a nonce that does not belong to this sign-in; start the sign-in again");
        }
    }

    private static String optionalString(TrustedIssuer provider, JWTClaimsSet claims, String name) {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException e) {
            throw refused(provider, "has a " + name + " claim that is not a string");
        }
    }

    private static boolean isTrue(Object claim) {
        return Boolean.TRUE.equals(claim) || "true".equals(claim);
    }

    private static RefusalException refused(TrustedIssuer provider, String what) {
        return refused("The ID token from sign-in provider '" + provider.id() + "' " + what + ".");
    }

    private static RefusalException refused(String sentence) {
        String text = Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1);
        return new NotSignedInException(text);
    }
}
