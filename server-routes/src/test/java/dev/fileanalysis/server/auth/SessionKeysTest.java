package dev.fileanalysis.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import dev.fileanalysis.runtime.Settings;
import dev.fileanalysis.server.refusal.RefusalException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Where the session keys come from: auth.session-keys (the value every server task of a deployment
 * shares, from one secret) wins over the key file and writes nothing; a malformed value stops the
 * start with a sentence naming the setting and never its content; and the key tool's rotation (add,
 * promote, retire) keeps every token valid on every server while a deployment rolls.
 */
class SessionKeysTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final SessionClaims ADA = new SessionClaims("user-ada", "org-analytical", "session-1");

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock(NOW);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(SessionKeys.class);

    @BeforeEach
    void captureTheLog() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void releaseTheLog() {
        logger.detachAppender(log);
    }

    @Test
    void theValueIsTheKeySetAndNoFileIsReadOrWritten() throws Exception {
        String value = tool("new");
        Path keyFile = dir.resolve("server/session-keys.json");

        SessionTokens tokens = tokens(SessionKeys.configured(settings(value, keyFile.toString())));

        String token = tokens.issue(ADA);
        assertThat(SignedJWT.parse(token).getHeader().getKeyID()).isEqualTo(keysOf(value).get(0).getKeyID());
        assertThat(tokens.verify(token)).isEqualTo(ADA);
        assertThat(keyFile).doesNotExist();
        assertThat(keyFile.getParent()).doesNotExist();
    }

    @Test
    void withBothSetTheValueWinsAndTheLogSaysSoOnceWithoutAnyKey() throws Exception {
        String value = tool("new");
        Path keyFile = dir.resolve("session-keys.json");
        SessionTokens fromFile = SessionTokens.loadOrCreate(keyFile, "file-analysis-pipeline", Duration.ofMinutes(5), clock);
        String fileContent = Files.readString(keyFile);

        SessionTokens tokens = tokens(SessionKeys.configured(settings(value, keyFile.toString())));

        assertThat(tokens.publicJwksJson()).isEqualTo(JWKSet.parse(value).toPublicJWKSet().toString(true));
        assertThat(Files.readString(keyFile)).as("the file is left as it was").isEqualTo(fileContent);
        assertThatThrownBy(() -> tokens.verify(fromFile.issue(ADA))).isInstanceOf(RefusalException.class)
                .hasMessageContaining("key this server does not have");
        assertThat(log.list).hasSize(1);
        String line = log.list.get(0).getFormattedMessage();
        assertThat(line).contains("auth.session-keys", "auth.session-key-file (" + keyFile + ") is neither read nor written");
        assertThat(line).doesNotContain(privatePart(value));
    }

    @Test
    void withoutAValueTheFileIsMadeAndKeptAsBefore() throws Exception {
        Path keyFile = dir.resolve("server/session-keys.json");

        SessionKeys first = SessionKeys.configured(settings("", keyFile.toString()));
        SessionKeys again = SessionKeys.configured(settings("", keyFile.toString()));

        assertThat(keyFile).exists();
        assertThat(again.signingKeyId()).isEqualTo(first.signingKeyId());
        assertThat(log.list).isEmpty();
    }

    @Test
    void withNeitherSetTheStartStopsSayingWhatToSet() {
        assertThatThrownBy(() -> SessionKeys.configured(settings("", "")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No session keys: set auth.session-keys")
                .hasMessageContaining("AUTH_SESSION_KEYS")
                .hasMessageContaining("auth.session-key-file");
    }

    @Test
    void serversGivenTheSameValueAcceptEachOthersTokens() {
        String value = tool("new");
        SessionTokens one = tokens(SessionKeys.fromValue(value));
        SessionTokens other = tokens(SessionKeys.fromValue(value));

        assertThat(other.verify(one.issue(ADA))).isEqualTo(ADA);
        assertThat(one.verify(other.issue(ADA))).isEqualTo(ADA);
    }

    static Stream<Arguments> malformedValues() throws Exception {
        ECKey key = SessionKeyFile.generate();
        ECKey other = SessionKeyFile.generate();
        String d = key.getD().toString();
        var rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
        return Stream.of(
                Arguments.of("not JSON", "d=" + d, "Invalid JSON object", d),
                Arguments.of("JSON cut short", "{\"keys\": [{\"kty\": \"EC\", \"crv\": \"P-256\", \"d\": \"" + d + "\"",
                        "Invalid JSON object", d),
                Arguments.of("a key that is no JWK", "{\"keys\": [{\"kty\": \"EC\", \"crv\": \"P-256\", \"d\": \"" + d + "\"}]}",
                        "Invalid JWK at position 0", d),
                Arguments.of("no keys", "{\"keys\": []}", "it holds no keys", "{\"keys\": []}"),
                Arguments.of("a public first key", new JWKSet(List.<JWK>of(other.toPublicJWK(), key)).toString(false),
                        "the first key signs, so it must include its private part (d)", d),
                Arguments.of("an RSA key", new JWKSet(rsa).toString(false), "key 'rsa' is not an EC P-256 key",
                        rsa.getPrivateExponent().toString()),
                Arguments.of("a key twice", new JWKSet(List.<JWK>of(key, key)).toString(false),
                        "key id '" + key.getKeyID() + "' appears twice", d));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedValues")
    void aMalformedValueStopsTheStartNamingTheSettingAndNeverItsPrivateKeys(String what, String value, String detail,
                                                                           String secret) {
        assertThatThrownBy(() -> SessionKeys.configured(settings(value, dir.resolve("keys.json").toString())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Setting auth.session-keys (environment variable AUTH_SESSION_KEYS) is not a valid session key set")
                .hasMessageContaining(detail)
                .hasMessageEndingWith("Its value is not shown: it holds private keys.")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
        assertThat(dir.resolve("keys.json")).as("a bad value never falls back to the file").doesNotExist();
    }

    @Test
    void aParserMessageQuotingThePrivatePartIsNotShown() {
        // nimbus's messages quote nothing of the value today; should one ever do, the sentence says less instead
        String value = "{\"keys\": [{\"kty\": \"EC\", \"d\": \"c2VjcmV0LXByaXZhdGUtcGFydA\"}]}";
        assertThat(SessionKeys.withoutKeyMaterial("Cannot parse c2VjcmV0LXByaXZhdGUtcGFydA at $.keys[0].d", value))
                .isEqualTo("it is not a JSON JWK set");
        assertThat(SessionKeys.withoutKeyMaterial("Invalid JSON object", value)).isEqualTo("Invalid JSON object");
    }

    @Test
    void rotationAddsAKeyThenSignsWithItThenRetiresTheOldWhileEveryServerAcceptsEveryToken() throws Exception {
        String before = tool("new");
        String added = tool("add", file("before.json", before));
        String promoted = tool("promote", file("added.json", added));
        String retired = tool("retire", file("promoted.json", promoted));
        SessionTokens onBefore = tokens(SessionKeys.fromValue(before));
        SessionTokens onAdded = tokens(SessionKeys.fromValue(added));
        SessionTokens onPromoted = tokens(SessionKeys.fromValue(promoted));
        String oldKey = keysOf(before).get(0).getKeyID();
        String newKey = keysOf(added).get(1).getKeyID();

        // added: the new key verifies everywhere it was given, and signs nowhere yet
        assertThat(keysOf(added)).extracting(ECKey::getKeyID).containsExactly(oldKey, newKey);
        assertThat(onAdded.verify(onBefore.issue(ADA))).isEqualTo(ADA);
        assertThat(onBefore.verify(onAdded.issue(ADA))).isEqualTo(ADA);
        // promoted, while some servers still run the added set: each accepts the other's tokens
        assertThat(SignedJWT.parse(onPromoted.issue(ADA)).getHeader().getKeyID()).isEqualTo(newKey);
        assertThat(onAdded.verify(onPromoted.issue(ADA))).isEqualTo(ADA);
        assertThat(onPromoted.verify(onAdded.issue(ADA))).isEqualTo(ADA);
        // retired: only the new key is left, and a token of the old one is refused
        assertThat(keysOf(retired)).extracting(ECKey::getKeyID).containsExactly(newKey);
        SessionTokens onRetired = tokens(SessionKeys.fromValue(retired));
        assertThat(onRetired.verify(onPromoted.issue(ADA))).isEqualTo(ADA);
        assertThatThrownBy(() -> onRetired.verify(onBefore.issue(ADA))).hasMessageContaining("key this server does not have");
    }

    @Test
    void theToolRefusesASetItCannotUseWithASentenceAndStatus2() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String publicOnly = new JWKSet(SessionKeyFile.generate().toPublicJWK()).toString(false);

        int status = SessionKeyTool.run(new String[] {"add", file("public.json", publicOnly)},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("public.json is not a session key set (a JWK set of EC P-256 keys): the first key signs");
        assertThat(SessionKeyTool.run(new String[] {"rotate"}, new PrintStream(out), new PrintStream(err))).isEqualTo(2);
    }

    // --- helpers ---------------------------------------------------------------------------------

    private SessionTokens tokens(SessionKeys keys) {
        return SessionTokens.of(keys, "file-analysis-pipeline", Duration.ofMinutes(5), clock);
    }

    private static Settings settings(String value, String keyFile) {
        Map<String, String> values = new HashMap<>();
        values.put("auth.session-keys", value);
        values.put("auth.session-key-file", keyFile);
        return Settings.of(values);
    }

    private static String tool(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SessionKeyTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as("SessionKeyTool %s: %s", List.of(args), err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8).trim();
    }

    private String file(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file.toString();
    }

    private static List<ECKey> keysOf(String value) throws Exception {
        return JWKSet.parse(value).getKeys().stream().map(ECKey.class::cast).toList();
    }

    private static String privatePart(String value) throws Exception {
        return keysOf(value).get(0).getD().toString();
    }
}
