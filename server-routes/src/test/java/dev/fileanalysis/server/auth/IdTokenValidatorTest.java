package dev.fileanalysis.server.auth;

import dev.fileanalysis.server.directory.VerifiedIdentity;
import dev.fileanalysis.server.ErrorResponses;
import dev.fileanalysis.server.refusal.RefusalException;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdTokenValidatorTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final String CLIENT_ID = "pipeline-client";
    private static final String GOOGLE_ISSUER = "https://accounts.google.example";
    private static final String GOOGLE_KEYS = "/google/keys";
    private static final String NONCE = "nonce-4f1b2c";
    private static final String TENANT_A = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String TENANT_B = "9188040d-6c67-4c5b-b112-36a304b66dad";
    private static final String MICROSOFT_ISSUER = "https://login.microsoftonline.example/{tenantid}/v2.0";

    private static RSAKey googleKey;
    private static RSAKey rotatedGoogleKey;
    private static RSAKey strangerKey;
    private static RSAKey tenantAKey;
    private static RSAKey tenantBKey;
    private static ECKey ecProviderKey;

    private ProviderKeysServer keysServer;
    private MovableClock clock;

    @BeforeAll
    static void generateKeys() throws JOSEException {
        googleKey = rsa("google-1");
        rotatedGoogleKey = rsa("google-2");
        strangerKey = rsa("stranger");
        tenantAKey = rsa("tenant-a");
        tenantBKey = rsa("tenant-b");
        ecProviderKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    }

    @BeforeEach
    void startProvider() throws IOException {
        keysServer = new ProviderKeysServer();
        keysServer.publish(GOOGLE_KEYS, new JWKSet(List.of(googleKey, ecProviderKey)));
        keysServer.publish("/" + TENANT_A + "/discovery/keys", new JWKSet(tenantAKey));
        keysServer.publish("/" + TENANT_B + "/discovery/keys", new JWKSet(tenantBKey));
        clock = new MovableClock(NOW);
    }

    @AfterEach
    void stopProvider() {
        keysServer.close();
    }

    // --- a valid token ---------------------------------------------------------------------------

    @Test
    void aValidTokenProvesWhoSignedIn() {
        VerifiedIdentity identity = validate(googleToken(c -> c.claim("name", "Ada Lovelace").claim("hd", "example.com")));

        assertThat(identity).isEqualTo(new VerifiedIdentity("google", GOOGLE_ISSUER, "user-1",
                "ada@example.com", true, "Ada Lovelace", null, "example.com"));
    }

    @Test
    void anEs256SignedTokenIsAcceptedToo() throws JOSEException {
        String token = sign(new ECDSASigner(ecProviderKey), JWSAlgorithm.ES256, "ec-1", googleClaims(c -> { }));

        assertThat(validate(token).subject()).isEqualTo("user-1");
    }

    @Test
    void providerKeysAreFetchedOnceAndThenServedFromTheCache() {
        IdTokenValidator validator = validator();
        for (int i = 0; i < 3; i++) {
            validator.validate("google", googleToken(c -> { }), NONCE);
        }

        assertThat(keysServer.fetches(GOOGLE_KEYS)).isEqualTo(1);
    }

    // --- provider and format ---------------------------------------------------------------------

    @Test
    void anUnknownProviderIsRefusedByName() {
        assertRefused(() -> validator().validate("yahoo", googleToken(c -> { }), NONCE))
                .hasMessageContaining("Unknown sign-in provider 'yahoo'")
                .hasMessageContaining("google");
    }

    @Test
    void somethingThatIsNotAJwtIsRefused() {
        assertRefused(() -> validate("not-a-token")).hasMessageContaining("not a well-formed JWT");
    }

    @Test
    void anUnsignedTokenIsRefusedWithoutFetchingKeys() {
        String token = new PlainJWT(googleClaims(c -> { })).serialize();

        assertRefused(() -> validate(token)).hasMessageContaining("unsigned (alg \"none\")");
        assertThat(keysServer.totalFetches()).isZero();
    }

    @Test
    void anHs256TokenKeyedWithTheProvidersPublicKeyIsRefusedWithoutFetchingKeys() throws Exception {
        // The classic key-confusion attack: the public key is public, so an HMAC over it proves nothing.
        byte[] publicKeyBytes = googleKey.toPublicJWK().toRSAPublicKey().getEncoded();
        String token = sign(new MACSigner(publicKeyBytes), JWSAlgorithm.HS256, "google-1", googleClaims(c -> { }));

        assertRefused(() -> validate(token)).hasMessageContaining("signed with HS256")
                .hasMessageContaining("only the asymmetric algorithms");
        assertThat(keysServer.totalFetches()).isZero();
    }

    // --- signature and keys ----------------------------------------------------------------------

    @Test
    void aTokenSignedByAKeyTheProviderDoesNotPublishIsRefused() {
        String token = signRsa(strangerKey, googleClaims(c -> { }));

        assertRefused(() -> validate(token))
                .hasMessageContaining("key 'stranger', which is not among the keys the provider publishes at "
                        + keysServer.url(GOOGLE_KEYS));
    }

    @Test
    void aTokenSignedByAnotherKeyUnderThePublishedKeyIdIsRefused() throws JOSEException {
        String token = sign(new RSASSASigner(strangerKey), JWSAlgorithm.RS256, "google-1", googleClaims(c -> { }));

        assertRefused(() -> validate(token)).hasMessageContaining("signature that does not verify with the provider's key 'google-1'");
    }

    @Test
    void aTokenWhoseClaimsWereAlteredAfterSigningIsRefused() {
        String[] parts = googleToken(c -> { }).split("\\.");
        String altered = Base64.getUrlEncoder().withoutPadding().encodeToString(
                googleClaims(c -> c.subject("admin")).toString().getBytes());

        assertRefused(() -> validate(parts[0] + "." + altered + "." + parts[2]))
                .hasMessageContaining("signature that does not verify");
    }

    @Test
    void aKeyTheProviderStartsPublishingIsUsedWithoutRestart() {
        IdTokenValidator validator = validator();
        validator.validate("google", googleToken(c -> { }), NONCE);

        keysServer.publish(GOOGLE_KEYS, new JWKSet(List.of(rotatedGoogleKey, googleKey)));
        VerifiedIdentity identity = validator.validate("google", signRsa(rotatedGoogleKey, googleClaims(c -> { })), NONCE);

        assertThat(identity.subject()).isEqualTo("user-1");
        assertThat(keysServer.fetches(GOOGLE_KEYS)).isEqualTo(2);
    }

    @Test
    void madeUpKeyIdsCannotMakeTheServerHammerTheProvider() throws JOSEException {
        IdTokenValidator validator = validator();
        for (int i = 0; i < 10; i++) {
            String token = sign(new RSASSASigner(strangerKey), JWSAlgorithm.RS256, "made-up-" + i, googleClaims(c -> { }));
            assertRefused(() -> validator.validate("google", token, NONCE)).hasMessageContaining("not among the keys");
        }

        assertThat(keysServer.fetches(GOOGLE_KEYS)).isLessThanOrEqualTo(2);
    }

    @Test
    void anUnreachableKeyEndpointIsReportedAsSuch() throws IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String jwks = "http://127.0.0.1:" + closedPort + "/keys";
        IdTokenValidator validator = new IdTokenValidator(List.of(new TrustedIssuer("google", GOOGLE_ISSUER, jwks,
                CLIENT_ID, Set.of(), Set.of(), null, null)), clock);

        assertRefused(() -> validator.validate("google", googleToken(c -> { }), NONCE))
                .hasMessageContaining("Could not fetch the signing keys of sign-in provider 'google' from " + jwks);
    }

    // --- claims ----------------------------------------------------------------------------------

    @Test
    void aTokenFromAnotherIssuerIsRefused() {
        assertRefused(() -> validate(googleToken(c -> c.issuer("https://evil.example"))))
                .hasMessageContaining("was issued by 'https://evil.example', expected '" + GOOGLE_ISSUER + "'");
    }

    @Test
    void aTokenWithoutIssuerIsRefused() {
        assertRefused(() -> validate(googleToken(c -> c.issuer(null)))).hasMessageContaining("has no issuer (iss)");
    }

    @Test
    void aTokenForAnotherClientIsRefused() {
        assertRefused(() -> validate(googleToken(c -> c.audience("someone-elses-app"))))
                .hasMessageContaining("is addressed to [someone-elses-app], not to this server's client id " + CLIENT_ID);
    }

    @Test
    void aTokenWithSeveralAudiencesMustHaveBeenObtainedByThisClient() {
        assertRefused(() -> validate(googleToken(c -> c.audience(List.of(CLIENT_ID, "other-app")).claim("azp", "other-app"))))
                .hasMessageContaining("was obtained by client 'other-app' (azp)");

        assertThat(validate(googleToken(c -> c.audience(List.of(CLIENT_ID, "other-app")).claim("azp", CLIENT_ID))).subject())
                .isEqualTo("user-1");
    }

    @Test
    void aTokenWithoutExpiryIsRefused() {
        assertRefused(() -> validate(googleToken(c -> c.expirationTime(null)))).hasMessageContaining("has no expiry (exp)");
    }

    @Test
    void anExpiredTokenIsRefusedOnceTheClockSkewIsUsedUp() {
        String token = googleToken(c -> c.expirationTime(Date.from(NOW.plusSeconds(300))));

        clock.advance(Duration.ofSeconds(300 + 59));
        assertThat(validate(token).subject()).isEqualTo("user-1");

        clock.advance(Duration.ofSeconds(2));
        assertRefused(() -> validate(token)).hasMessageContaining("expired at " + NOW.plusSeconds(300));
    }

    @Test
    void aTokenWithoutIssueTimeIsRefused() {
        assertRefused(() -> validate(googleToken(c -> c.issueTime(null)))).hasMessageContaining("has no issue time (iat)");
    }

    @Test
    void aTokenIssuedInTheFutureIsRefused() {
        assertThat(validate(googleToken(c -> c.issueTime(Date.from(NOW.plusSeconds(59))))).subject()).isEqualTo("user-1");

        assertRefused(() -> validate(googleToken(c -> c.issueTime(Date.from(NOW.plusSeconds(120))))))
                .hasMessageContaining("issued in the future");
    }

    @Test
    void aTokenNotYetValidIsRefused() {
        String token = googleToken(c -> c.notBeforeTime(Date.from(NOW.plusSeconds(600))));

        assertRefused(() -> validate(token)).hasMessageContaining("is not valid before " + NOW.plusSeconds(600));
        clock.advance(Duration.ofSeconds(600));
        assertThat(validate(token).subject()).isEqualTo("user-1");
    }

    @Test
    void aTokenWithoutNonceIsRefused() {
        assertRefused(() -> validate(googleToken(c -> c.claim("nonce", null)))).hasMessageContaining("has no nonce");
    }

    @Test
    void aTokenFromAnotherSignInIsRefused() {
        assertRefused(() -> validator().validate("google", googleToken(c -> { }), "nonce-of-another-sign-in"))
                .hasMessageContaining("nonce that does not belong to this sign-in");
    }

    @Test
    void aTokenWithoutSubjectIsRefused() {
        assertRefused(() -> validate(googleToken(c -> c.subject(null)))).hasMessageContaining("has no subject (sub)");
    }

    static Stream<Arguments> emailVerifiedClaims() {
        return Stream.of(Arguments.of(Boolean.TRUE, true), Arguments.of("true", true),
                Arguments.of(Boolean.FALSE, false), Arguments.of("yes", false), Arguments.of(1, false),
                Arguments.of(null, false));
    }

    @ParameterizedTest(name = "email_verified {0} means verified {1}")
    @MethodSource("emailVerifiedClaims")
    void theEmailCountsAsVerifiedOnlyWhenTheProviderSaysTrue(Object claim, boolean verified) {
        assertThat(validate(googleToken(c -> c.claim("email_verified", claim))).emailVerified()).isEqualTo(verified);
    }

    // --- Google hosted domains -------------------------------------------------------------------

    @Test
    void onlyAccountsOfAllowedHostedDomainsMaySignIn() {
        IdTokenValidator validator = new IdTokenValidator(List.of(new TrustedIssuer("google", GOOGLE_ISSUER,
                keysServer.url(GOOGLE_KEYS), CLIENT_ID, Set.of(), Set.of("example.com"), null, null)), clock);

        assertThat(validator.validate("google", googleToken(c -> c.claim("hd", "example.com")), NONCE).hostedDomain())
                .isEqualTo("example.com");
        assertRefused(() -> validator.validate("google", googleToken(c -> c.claim("hd", "elsewhere.com")), NONCE))
                .hasMessageContaining("belongs to the domain elsewhere.com, which is not allowed to sign in here");
        assertRefused(() -> validator.validate("google", googleToken(c -> { }), NONCE))
                .hasMessageContaining("has no hosted domain (hd): only accounts of example.com may sign in");
    }

    // --- Microsoft multi-tenant ------------------------------------------------------------------

    @Test
    void aMultiTenantTokenIsCheckedAgainstItsOwnTenantsIssuerAndKeys() {
        VerifiedIdentity identity = microsoftValidator(Set.of()).validate("microsoft",
                microsoftToken(tenantAKey, TENANT_A, c -> { }), NONCE);

        assertThat(identity.issuer()).isEqualTo("https://login.microsoftonline.example/" + TENANT_A + "/v2.0");
        assertThat(identity.tenant()).isEqualTo(TENANT_A);
        assertThat(keysServer.fetches("/" + TENANT_A + "/discovery/keys")).isEqualTo(1);
        assertThat(keysServer.fetches("/" + TENANT_B + "/discovery/keys")).isZero();
    }

    @Test
    void aTenantIdThatDoesNotMatchTheIssuersTenantIsRefused() {
        String token = microsoftToken(tenantBKey, TENANT_B, c -> c.issuer("https://login.microsoftonline.example/" + TENANT_A + "/v2.0"));

        assertRefused(() -> microsoftValidator(Set.of()).validate("microsoft", token, NONCE))
                .hasMessageContaining("was issued by 'https://login.microsoftonline.example/" + TENANT_A
                        + "/v2.0', expected 'https://login.microsoftonline.example/" + TENANT_B + "/v2.0'");
    }

    @Test
    void aTokenSignedWithAnotherTenantsKeyIsRefused() {
        String token = microsoftToken(tenantAKey, TENANT_B, c -> { });

        assertRefused(() -> microsoftValidator(Set.of()).validate("microsoft", token, NONCE))
                .hasMessageContaining("key 'tenant-a', which is not among the keys the provider publishes at "
                        + keysServer.url("/" + TENANT_B + "/discovery/keys"));
    }

    @Test
    void aTenantIdThatIsNotAGuidIsRefusedWithoutFetchingAnything() {
        String token = microsoftToken(tenantAKey, "../../attacker", c -> c.issuer("https://login.microsoftonline.example/../../attacker/v2.0"));

        assertRefused(() -> microsoftValidator(Set.of()).validate("microsoft", token, NONCE))
                .hasMessageContaining("tenant id (tid) that is not a GUID");
        assertThat(keysServer.totalFetches()).isZero();
    }

    @Test
    void aMultiTenantTokenWithoutTenantIdIsRefused() {
        String token = microsoftToken(tenantAKey, TENANT_A, c -> c.claim("tid", null));

        assertRefused(() -> microsoftValidator(Set.of()).validate("microsoft", token, NONCE))
                .hasMessageContaining("has no tenant id (tid)");
    }

    @Test
    void onlyAllowedTenantsMaySignIn() {
        // Upper case as pasted from a portal: tenant ids compare regardless of case.
        IdTokenValidator validator = microsoftValidator(Set.of(TENANT_A.toUpperCase()));

        assertThat(validator.validate("microsoft", microsoftToken(tenantAKey, TENANT_A, c -> { }), NONCE).tenant())
                .isEqualTo(TENANT_A);
        assertRefused(() -> validator.validate("microsoft", microsoftToken(tenantBKey, TENANT_B, c -> { }), NONCE))
                .hasMessageContaining("comes from tenant " + TENANT_B + ", which is not allowed to sign in here");
        assertThat(keysServer.fetches("/" + TENANT_B + "/discovery/keys")).isZero();
    }

    @Test
    void aMicrosoftAddressIsNotTrustedAsVerifiedUnlessTheTokenSaysSo() {
        IdTokenValidator validator = microsoftValidator(Set.of());

        VerifiedIdentity fromUsername = validator.validate("microsoft", microsoftToken(tenantAKey, TENANT_A,
                c -> c.claim("preferred_username", "ada@contoso.example")), NONCE);
        VerifiedIdentity fromEmail = validator.validate("microsoft", microsoftToken(tenantAKey, TENANT_A,
                c -> c.claim("email", "ada@contoso.example").claim("preferred_username", "ada.l@contoso.example")), NONCE);
        VerifiedIdentity asserted = validator.validate("microsoft", microsoftToken(tenantAKey, TENANT_A,
                c -> c.claim("email", "ada@contoso.example").claim("email_verified", true)), NONCE);

        assertThat(fromUsername.email()).isEqualTo("ada@contoso.example");
        assertThat(fromUsername.emailVerified()).isFalse();
        assertThat(fromEmail.email()).isEqualTo("ada@contoso.example");
        assertThat(fromEmail.emailVerified()).isFalse();
        assertThat(asserted.emailVerified()).isTrue();
    }

    // --- helpers ---------------------------------------------------------------------------------

    private IdTokenValidator validator() {
        return new IdTokenValidator(List.of(new TrustedIssuer("google", GOOGLE_ISSUER, keysServer.url(GOOGLE_KEYS),
                CLIENT_ID, Set.of(), Set.of(), null, null)), clock);
    }

    private IdTokenValidator microsoftValidator(Set<String> allowedTenants) {
        return new IdTokenValidator(List.of(
                new TrustedIssuer("google", GOOGLE_ISSUER, keysServer.url(GOOGLE_KEYS), CLIENT_ID, Set.of(), Set.of(), null, null),
                new TrustedIssuer("microsoft", MICROSOFT_ISSUER, keysServer.url("/{tenantid}/discovery/keys"), CLIENT_ID,
                        allowedTenants, Set.of(), null, null)), clock);
    }

    private VerifiedIdentity validate(String token) {
        return validator().validate("google", token, NONCE);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return assertThatThrownBy(call).isInstanceOf(RefusalException.class)
                .satisfies(e -> assertThat(ErrorResponses.statusOf((RefusalException) e)).isEqualTo(401));
    }

    private static JWTClaimsSet googleClaims(Consumer<JWTClaimsSet.Builder> edit) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(GOOGLE_ISSUER)
                .audience(CLIENT_ID)
                .subject("user-1")
                .issueTime(Date.from(NOW.minusSeconds(5)))
                .expirationTime(Date.from(NOW.plusSeconds(3600)))
                .claim("nonce", NONCE)
                .claim("email", "ada@example.com")
                .claim("email_verified", true);
        edit.accept(claims);
        return claims.build();
    }

    private static String googleToken(Consumer<JWTClaimsSet.Builder> edit) {
        return signRsa(googleKey, googleClaims(edit));
    }

    private static String microsoftToken(RSAKey key, String tenant, Consumer<JWTClaimsSet.Builder> edit) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(MICROSOFT_ISSUER.replace("{tenantid}", tenant))
                .audience(CLIENT_ID)
                .subject("ms-" + UUID.randomUUID())
                .issueTime(Date.from(NOW.minusSeconds(5)))
                .expirationTime(Date.from(NOW.plusSeconds(3600)))
                .claim("nonce", NONCE)
                .claim("tid", tenant)
                .claim("name", "Ada Lovelace");
        edit.accept(claims);
        return signRsa(key, claims.build());
    }

    private static String signRsa(RSAKey key, JWTClaimsSet claims) {
        try {
            return sign(new RSASSASigner(key), JWSAlgorithm.RS256, key.getKeyID(), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JWSSigner signer, JWSAlgorithm algorithm, String kid, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static RSAKey rsa(String kid) throws JOSEException {
        return new RSAKeyGenerator(2048).keyID(kid).generate();
    }

}
