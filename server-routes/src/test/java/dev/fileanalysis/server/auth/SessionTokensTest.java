package dev.fileanalysis.server.auth;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import dev.fileanalysis.server.ErrorResponses;
import dev.fileanalysis.server.refusal.RefusalException;

class SessionTokensTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final String ISSUER = "https://pipeline.example";
    private static final Duration LIFETIME = Duration.ofMinutes(15);
    private static final SessionClaims ADA = new SessionClaims("user-ada", "org-analytical", "session-1");

    @TempDir
    Path dir;

    private MovableClock clock;
    private Path keyFile;

    @BeforeEach
    void setUp() {
        clock = new MovableClock(NOW);
        keyFile = dir.resolve("server/keys/session-keys.json");
    }

    @Test
    void anIssuedTokenVerifiesToTheSameClaims() {
        SessionTokens tokens = tokens();

        assertThat(tokens.verify(tokens.issue(ADA))).isEqualTo(ADA);
    }

    @Test
    void anIssuedTokenIsAnEs256AccessTokenNamingItsKey() throws Exception {
        SessionTokens tokens = tokens();

        SignedJWT jwt = SignedJWT.parse(tokens.issue(ADA));

        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(onlyKey().getKeyID());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(ISSUER);
        assertThat(claims.getAudience()).containsExactly("file-analysis-pipeline-api");
        assertThat(claims.getSubject()).isEqualTo("user-ada");
        assertThat(claims.getStringClaim("org")).isEqualTo("org-analytical");
        assertThat(claims.getStringClaim("sid")).isEqualTo("session-1");
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(NOW);
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(NOW.plus(LIFETIME));
        assertThat(claims.getJWTID()).isNotBlank().isNotEqualTo(SignedJWT.parse(tokens.issue(ADA)).getJWTClaimsSet().getJWTID());
    }

    @Test
    void aTokenExpiresAfterItsLifetimeAndTheClockSkew() {
        SessionTokens tokens = tokens();
        String token = tokens.issue(ADA);

        clock.advance(LIFETIME.plusSeconds(29));
        assertThat(tokens.verify(token)).isEqualTo(ADA);

        clock.advance(Duration.ofSeconds(2));
        assertRefused(() -> tokens.verify(token)).hasMessageContaining("expired at " + NOW.plus(LIFETIME));
    }

    @Test
    void aTokenVerifiedBeforeStillExpiresOnTime() {
        SessionTokens tokens = tokens();
        String token = tokens.issue(ADA);
        assertThat(tokens.verify(token)).isEqualTo(ADA);

        clock.advance(LIFETIME.minusSeconds(5));
        assertThat(tokens.verify(token)).isEqualTo(ADA);
        clock.advance(Duration.ofSeconds(40));
        assertRefused(() -> tokens.verify(token)).hasMessageContaining("expired at " + NOW.plus(LIFETIME));
    }

    @Test
    void aTokenAlteredAfterTheOriginalWasVerifiedIsStillRefused() {
        SessionTokens tokens = tokens();
        String original = tokens.issue(ADA);
        assertThat(tokens.verify(original)).isEqualTo(ADA);
        String altered = movedToAnotherOrganisation(original);

        assertRefused(() -> tokens.verify(altered)).hasMessageContaining("signature is invalid");
        assertThat(tokens.verify(original)).isEqualTo(ADA);
    }

    @Test
    void aTokenWhoseClaimsWereAlteredIsRefused() {
        SessionTokens tokens = tokens();
        String altered = movedToAnotherOrganisation(tokens.issue(ADA));

        assertRefused(() -> tokens.verify(altered)).hasMessageContaining("signature is invalid");
    }

    @Test
    void aTokenSignedWithTheKeyOfAnotherKeyFileIsRefused() {
        SessionTokens ours = tokens();
        SessionTokens theirs = SessionTokens.loadOrCreate(dir.resolve("other/keys.json"), ISSUER, LIFETIME, clock);

        assertRefused(() -> ours.verify(theirs.issue(ADA))).hasMessageContaining("key this server does not have");
    }

    @Test
    void aTokenSignedWithAnotherKeyUnderOurKeyIdIsRefused() throws JOSEException {
        SessionTokens tokens = tokens();
        ECKey impostor = new ECKeyGenerator(Curve.P_256).keyID(onlyKey().getKeyID()).generate();

        assertRefused(() -> tokens.verify(sign(impostor, validClaims(c -> { }))))
                .hasMessageContaining("signature is invalid");
    }

    @Test
    void anOidcIdTokenIsNotASessionToken() throws JOSEException {
        SessionTokens tokens = tokens();
        SignedJWT idToken = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("google-1").type(JOSEObjectType.JWT).build(),
                validClaims(c -> c.issuer("https://accounts.google.example")));
        idToken.sign(new RSASSASigner(new RSAKeyGenerator(2048).generate()));
        // Even an ID token that happens to use ES256, and to be signed by a key we hold, is not one of ours.
        SignedJWT es256IdToken = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(onlyKey().getKeyID())
                .type(JOSEObjectType.JWT).build(), validClaims(c -> { }));
        es256IdToken.sign(new ECDSASigner(onlyKey()));

        assertRefused(() -> tokens.verify(idToken.serialize())).hasMessageContaining("signed with RS256; this server signs with ES256 only");
        assertRefused(() -> tokens.verify(es256IdToken.serialize())).hasMessageContaining("not a session token of this server (typ JWT)");
    }

    @Test
    void unsignedAndHmacTokensAreRefused() throws JOSEException {
        SessionTokens tokens = tokens();
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(onlyKey().getKeyID())
                .type(new JOSEObjectType("at+jwt")).build(), validClaims(c -> { }));
        hmac.sign(new MACSigner(onlyKey().toPublicJWK().toECPublicKey().getEncoded()));

        assertRefused(() -> tokens.verify(new PlainJWT(validClaims(c -> { })).serialize())).hasMessageContaining("not signed");
        assertRefused(() -> tokens.verify(hmac.serialize())).hasMessageContaining("signed with HS256");
        assertRefused(() -> tokens.verify("garbage")).hasMessageContaining("not a well-formed JWT");
        assertRefused(() -> tokens.verify("")).hasMessageContaining("No session token was sent");
    }

    @Test
    void aTokenFromAnotherIssuerSharingTheKeyFileIsRefused() {
        SessionTokens staging = SessionTokens.loadOrCreate(keyFile, "https://staging.example", LIFETIME, clock);
        SessionTokens production = tokens();

        assertRefused(() -> production.verify(staging.issue(ADA)))
                .hasMessageContaining("issued by 'https://staging.example', not by this server ('" + ISSUER + "')");
    }

    static Stream<Arguments> incompleteClaims() {
        return Stream.of(
                Arguments.of("another audience", (Consumer<JWTClaimsSet.Builder>) c -> c.audience("some-other-api"), "not meant for this API"),
                Arguments.of("no expiry", (Consumer<JWTClaimsSet.Builder>) c -> c.expirationTime(null), "no expiry (exp)"),
                Arguments.of("no user", (Consumer<JWTClaimsSet.Builder>) c -> c.subject(null), "no user (sub)"),
                Arguments.of("no organisation", (Consumer<JWTClaimsSet.Builder>) c -> c.claim("org", null), "no organisation (org)"),
                Arguments.of("no session", (Consumer<JWTClaimsSet.Builder>) c -> c.claim("sid", null), "no session id (sid)"),
                Arguments.of("a non-string organisation", (Consumer<JWTClaimsSet.Builder>) c -> c.claim("org", 42), "org claim is not a string"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("incompleteClaims")
    void aTokenSignedWithOurKeyButMissingWhatWeIssueIsRefused(String what, Consumer<JWTClaimsSet.Builder> edit, String message) {
        SessionTokens tokens = tokens();

        assertRefused(() -> tokens.verify(sign(onlyKey(), validClaims(edit)))).hasMessageContaining(message);
    }

    // --- the key file ----------------------------------------------------------------------------

    @Test
    void theKeyFileIsCreatedWithItsFoldersAndReadableByTheOwnerOnly() throws Exception {
        tokens();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        JWKSet set = JWKSet.load(keyFile.toFile());
        assertThat(set.getKeys()).hasSize(1);
        assertThat(set.getKeys().get(0).isPrivate()).isTrue();
        assertThat(((ECKey) set.getKeys().get(0)).getCurve()).isEqualTo(Curve.P_256);
        try (Stream<Path> files = Files.list(keyFile.getParent())) {
            assertThat(files).containsExactly(keyFile);
        }
    }

    @Test
    void laterLoadsReuseTheKeyFile() throws Exception {
        String token = tokens().issue(ADA);
        String content = Files.readString(keyFile);

        SessionTokens restarted = tokens();

        assertThat(restarted.verify(token)).isEqualTo(ADA);
        assertThat(Files.readString(keyFile)).isEqualTo(content);
    }

    @Test
    void aPrependedKeySignsWhileTheOldKeyStillVerifies() throws Exception {
        SessionTokens before = tokens();
        String oldToken = before.issue(ADA);
        ECKey oldKey = onlyKey();
        ECKey newKey = SessionKeyFile.generate();
        Files.writeString(keyFile, new JWKSet(List.<JWK>of(newKey, oldKey)).toString(false));

        SessionTokens after = tokens();
        String newToken = after.issue(ADA);

        assertThat(after.verify(oldToken)).isEqualTo(ADA);
        assertThat(after.verify(newToken)).isEqualTo(ADA);
        assertThat(SignedJWT.parse(newToken).getHeader().getKeyID()).isEqualTo(newKey.getKeyID());
        assertRefused(() -> before.verify(newToken)).hasMessageContaining("key this server does not have");
    }

    @Test
    void aRetiredKeyMayBeKeptAsPublicOnly() throws Exception {
        String oldToken = tokens().issue(ADA);
        ECKey oldKey = onlyKey();
        Files.writeString(keyFile, new JWKSet(List.<JWK>of(SessionKeyFile.generate(), oldKey.toPublicJWK())).toString(false));

        assertThat(tokens().verify(oldToken)).isEqualTo(ADA);
    }

    @Test
    void thePublishedKeySetHoldsEveryPublicKeyAndNoPrivateOne() throws Exception {
        tokens();
        ECKey oldKey = onlyKey();
        ECKey newKey = SessionKeyFile.generate();
        Files.writeString(keyFile, new JWKSet(List.<JWK>of(newKey, oldKey)).toString(false));

        String json = tokens().publicJwksJson();
        JWKSet published = JWKSet.parse(json);

        assertThat(published.getKeys()).extracting(JWK::getKeyID).containsExactly(newKey.getKeyID(), oldKey.getKeyID());
        assertThat(published.getKeys()).noneMatch(JWK::isPrivate);
        assertThat(json).doesNotContain("\"d\"");
    }

    @Test
    void aKeyFileWhoseFirstKeyCannotSignIsRefusedByName() throws Exception {
        Files.createDirectories(keyFile.getParent());
        Files.writeString(keyFile, new JWKSet(SessionKeyFile.generate().toPublicJWK()).toString(false));

        assertThatThrownBy(this::tokens).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(keyFile.toString())
                .hasMessageContaining("the first key signs, so it must include its private part (d)");
    }

    @Test
    void aKeyFileThatIsNotAJwkSetIsRefusedByName() throws Exception {
        Files.createDirectories(keyFile.getParent());
        Files.writeString(keyFile, "{\"publicKey\": \"04ab\"}");

        assertThatThrownBy(this::tokens).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(keyFile + " is not a valid session key file");
    }

    @Test
    void aKeyFileWithAnRsaKeyIsRefusedByName() throws Exception {
        Files.createDirectories(keyFile.getParent());
        Files.writeString(keyFile, new JWKSet(new RSAKeyGenerator(2048).keyID("rsa").generate()).toString(false));

        assertThatThrownBy(this::tokens).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("key 'rsa' is not an EC P-256 key");
    }

    // --- helpers ---------------------------------------------------------------------------------

    private SessionTokens tokens() {
        return SessionTokens.loadOrCreate(keyFile, ISSUER, LIFETIME, clock);
    }

    private ECKey onlyKey() {
        try {
            return (ECKey) JWKSet.load(keyFile.toFile()).getKeys().get(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWTClaimsSet validClaims(Consumer<JWTClaimsSet.Builder> edit) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience("file-analysis-pipeline-api")
                .subject("user-ada")
                .claim("org", "org-analytical")
                .claim("sid", "session-1")
                .issueTime(Date.from(NOW))
                .expirationTime(Date.from(NOW.plus(LIFETIME)));
        edit.accept(claims);
        return claims.build();
    }

    private static String sign(ECKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                    .type(new JOSEObjectType("at+jwt")).build(), claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(ThrowingCallable call) {
        return assertThatThrownBy(call).isInstanceOf(RefusalException.class)
                .satisfies(e -> assertThat(ErrorResponses.statusOf((RefusalException) e)).isEqualTo(401));
    }

    /** The token with its organisation claim rewritten and its original signature kept. */
    private static String movedToAnotherOrganisation(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("org-analytical", "org-victim");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }
}
