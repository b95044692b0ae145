package dev.fileanalysis.server.auth;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.fileanalysis.server.refusal.NotSignedInException;
import dev.fileanalysis.server.refusal.RefusalException;

/**
 * Issues and verifies the server's own short-lived session access tokens.
 *
 * <p>Format: an ES256 JWT with header {@code kid} (the signing key's thumbprint) and {@code typ:
 * at+jwt} (RFC 9068), claims {@code iss}, {@code aud} = {@value #AUDIENCE}, {@code sub} = user,
 * {@code org} = organisation, {@code sid} = session, {@code iat}, {@code exp} = iat + lifetime and a
 * random {@code jti}. The {@code typ} check is what keeps an OIDC ID token ({@code typ: JWT}) from
 * passing as a session token even if both were somehow signed by a key we know; the {@code kid}
 * check against our own key set is what refuses everything else.
 */
public final class SessionTokens {

    public static final String AUDIENCE = "file-analysis-pipeline-api";
    private static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ECKey signingKey;
    private final ECDSASigner signer;
    private final Map<String, ECDSAVerifier> verifiersByKid;
    private final JWKSet publicKeys;
    private final String issuer;
    private final Duration lifetime;
    private final Clock clock;
    /** Tokens this server verified a moment ago; a client sends the same one with every call. */
    private final ExpiringCache<String, SessionClaims> verified;

    private SessionTokens(List<ECKey> keys, String issuer, Duration lifetime, Clock clock) {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("Session tokens need an issuer.");
        }
        if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("Session token lifetime must be positive, not " + lifetime + ".");
        }
        this.signingKey = keys.get(0);
        Map<String, ECDSAVerifier> verifiers = new LinkedHashMap<>();
        try {
            this.signer = new ECDSASigner(signingKey);
            for (ECKey key : keys) {
                verifiers.put(key.getKeyID(), new ECDSAVerifier(key.toPublicJWK()));
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("Unusable session key: " + e.getMessage(), e);
        }
        this.verifiersByKid = Map.copyOf(verifiers);
        this.publicKeys = new JWKSet(List.<JWK>copyOf(keys)).toPublicJWKSet();
        this.issuer = issuer;
        this.lifetime = lifetime;
        this.clock = clock;
        this.verified = new ExpiringCache<>(clock, Duration.ofMinutes(1));
    }

    /** Tokens signed with the first of {@code keys} and verified with any of them. */
    public static SessionTokens of(SessionKeys keys, String issuer, Duration lifetime, Clock clock) {
        return new SessionTokens(keys.keys(), issuer, lifetime, clock);
    }

    /**
     * Loads the signing keys from {@code keyFile} (a JWK set: the first key signs, all verify), or
     * creates it with one new EC P-256 key, mode 0600, parent folders included.
     *
     * @throws java.io.UncheckedIOException naming the file if it cannot be read, created or parsed
     */
    public static SessionTokens loadOrCreate(Path keyFile, String issuer, Duration lifetime, Clock clock) {
        return of(SessionKeys.fromFile(keyFile), issuer, lifetime, clock);
    }

    public String issue(SessionClaims claims) {
        Instant now = clock.instant();
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        JWTClaimsSet set = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(AUDIENCE)
                .subject(claims.user())
                .claim("org", claims.organisation())
                .claim("sid", claims.session())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(Base64.getUrlEncoder().withoutPadding().encodeToString(id))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(signingKey.getKeyID()).type(ACCESS_TOKEN_TYPE).build(), set);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("Could not sign a session token", e);
        }
        return jwt.serialize();
    }

    /** @throws RefusalException 401 naming what was wrong with the token */
    public SessionClaims verify(String token) {
        if (token == null || token.isBlank()) {
            throw refused("no session token was sent");
        }
        SessionClaims known = verified.get(token);
        if (known != null) {
            return known;
        }
        JWT parsed;
        try {
            parsed = JWTParser.parse(token.trim());
        } catch (ParseException e) {
            throw refused("the session token is not a well-formed JWT");
        }
        if (!(parsed instanceof SignedJWT jwt)) {
            throw refused("the session token is not signed");
        }
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
            throw refused("the session token is signed with " + header.getAlgorithm() + "; this server signs with ES256 only");
        }
        if (!ACCESS_TOKEN_TYPE.equals(header.getType())) {
            throw refused("the token is not a session token of this server (typ " + header.getType()
                    + "); sign in to exchange an ID token for one");
        }
        ECDSAVerifier verifier = header.getKeyID() == null ? null : verifiersByKid.get(header.getKeyID());
        if (verifier == null) {
            throw refused("the session token is signed with a key this server does not have (kid "
                    + header.getKeyID() + "); sign in again");
        }
        try {
            if (!jwt.verify(verifier)) {
                throw refused("the session token's signature is invalid");
            }
        } catch (JOSEException e) {
            throw refused("the session token's signature cannot be checked (" + e.getMessage() + ")");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw refused("the session token's claims are malformed");
        }
        if (!issuer.equals(claims.getIssuer())) {
            throw refused("the session token was issued by '" + claims.getIssuer() + "', not by this server ('" + issuer + "')");
        }
        if (!claims.getAudience().contains(AUDIENCE)) {
            throw refused("the session token is not meant for this API (aud " + claims.getAudience() + ")");
        }
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw refused("the session token has no expiry (exp)");
        }
        if (!clock.instant().isBefore(exp.toInstant().plus(CLOCK_SKEW))) {
            throw refused("the session token expired at " + exp.toInstant() + "; refresh it or sign in again");
        }
        String user = claims.getSubject();
        String organisation = stringClaim(claims, "org");
        String session = stringClaim(claims, "sid");
        if (user == null || user.isBlank()) {
            throw refused("the session token has no user (sub)");
        }
        if (organisation == null || organisation.isBlank()) {
            throw refused("the session token has no organisation (org)");
        }
        if (session == null || session.isBlank()) {
            throw refused("the session token has no session id (sid)");
        }
        SessionClaims checked = new SessionClaims(user, organisation, session);
        verified.put(token, checked, exp.toInstant());
        return checked;
    }

    /** The public half of every key, for {@code GET /auth/jwks.json}. */
    public String publicJwksJson() {
        return publicKeys.toString(true);
    }

    /** The {@code iss} of every session token, which tells them apart from other providers' tokens. */
    public String issuer() {
        return issuer;
    }

    public Duration lifetime() {
        return lifetime;
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException e) {
            throw refused("the session token's " + name + " claim is not a string");
        }
    }

    private static RefusalException refused(String sentence) {
        return new NotSignedInException(Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1) + ".");
    }
}
