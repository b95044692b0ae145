package dev.fileanalysis.server.auth;

import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.fileanalysis.server.refusal.NotPermittedException;
import dev.fileanalysis.server.refusal.NotSignedInException;
import dev.fileanalysis.server.refusal.RefusalException;

/**
 * Checks a processor's service credential, an access token of the operator's OIDC provider (OAuth
 * client credentials), the way a resource server must: signature against the issuer's JWKS
 * (fetched and cached by nimbus, refreshed when an unknown key id shows up), {@code iss} exactly
 * the configured issuer, {@code aud} containing the configured audience, {@code exp} in the future
 * with a small clock skew, and a subject.
 */
public final class ServiceTokenValidator {

    private static final int CLOCK_SKEW_SECONDS = 30;

    private final ConfigurableJWTProcessor<SecurityContext> processor;
    private final Set<String> processorSubjects;
    /**
     * Tokens verified a moment ago (a processor sends the same one with every call). A minute at
     * most, so a key the provider withdraws stops working here within a minute.
     */
    private final ExpiringCache<String, String> verified = new ExpiringCache<>(Clock.systemUTC(), Duration.ofMinutes(1));

    public ServiceTokenValidator(String issuer, String jwksUrl, String audience, List<String> processorSubjects) {
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(URI.create(jwksUrl).toURL()).retrying(true).build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("oidc.jwks-url is not a URL: " + jwksUrl, e);
        }
        DefaultJWTProcessor<SecurityContext> jwtProcessor = new DefaultJWTProcessor<>();
        // Asymmetric algorithms only: an HMAC or "none" token is refused before any key lookup.
        jwtProcessor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
                        JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.PS256), keys));
        DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier = new DefaultJWTClaimsVerifier<>(
                audience,
                new JWTClaimsSet.Builder().issuer(issuer).build(),
                new HashSet<>(List.of("sub", "exp", "iss", "aud")));
        claimsVerifier.setMaxClockSkew(CLOCK_SKEW_SECONDS);
        jwtProcessor.setJWTClaimsSetVerifier(claimsVerifier);
        this.processor = jwtProcessor;
        this.processorSubjects = Set.copyOf(processorSubjects);
    }

    /**
     * Validates a bearer token (without the "Bearer " prefix) and returns its subject; throws a 401
     * {@link RefusalException} if it fails, and a 403 one when it is valid but not a processor's.
     */
    public String validateProcessor(String token) {
        String subject = validate(token);
        if (!isProcessor(subject)) {
            throw new NotPermittedException("'" + subject + "' is not a processor service credential; only those call processor endpoints.");
        }
        return subject;
    }

    public boolean isProcessor(String subject) {
        return processorSubjects.contains(subject);
    }

    /** Validates a token of the operator's provider and returns its subject, whoever it names; 401 if it fails. */
    public String validate(String token) {
        String known = verified.get(token);
        if (known != null) {
            return known;
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new NotSignedInException("The bearer token is not a well-formed JWT.");
        } catch (BadJOSEException e) {
            throw new NotSignedInException("The bearer token was rejected: " + e.getMessage());
        } catch (JOSEException e) {
            throw new NotSignedInException("The bearer token could not be verified: " + e.getMessage());
        }
        Date expires = claims.getExpirationTime();
        if (expires == null) {
            throw new NotSignedInException("The bearer token has no expiry.");
        }
        verified.put(token, claims.getSubject(), expires.toInstant());
        return claims.getSubject();
    }
}
