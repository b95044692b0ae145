package dev.fileanalysis.cli;

import dev.fileanalysis.crypto.ClientKeyFile;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.crypto.ResultCipher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DecryptCommandTest {

    private static final String RESULT = "{\"bytes\":42,\"verdict\":\"clean ✅\"}";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private Path keyFile;
    private ClientKeyPair keys;

    @BeforeEach
    void createKey() throws IOException {
        keyFile = dir.resolve("client-key.json");
        keys = ClientKeyFile.loadOrCreate(keyFile);
    }

    @Test
    void payloadArgumentIsDecryptedToStdout() {
        String payload = ResultCipher.encrypt(RESULT.getBytes(StandardCharsets.UTF_8), keys.publicKey());

        int exit = run(true, "--key", keyFile.toString(), payload);

        assertThat(exit).isZero();
        assertThat(out.toString()).isEqualTo(RESULT);
        assertThat(err.toString()).isEmpty();
    }

    /** Whether or not the root command lets picocli expand @FILE arguments, @FILE reads the payload. */
    @ParameterizedTest(name = "picocli @-file expansion {0}")
    @ValueSource(booleans = {true, false})
    void payloadFileIsReadWithAnAtSign(boolean picocliExpandsAtFiles) throws IOException {
        Path payloadFile = dir.resolve("payload.txt");
        Files.writeString(payloadFile,
                ResultCipher.encrypt(RESULT.getBytes(StandardCharsets.UTF_8), keys.publicKey()) + "\n");

        int exit = run(picocliExpandsAtFiles, "--key", keyFile.toString(), "@" + payloadFile);

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo(RESULT);
    }

    @Test
    void payloadForAnotherKeyExitsOneWithAClearError() {
        String payload = ResultCipher.encrypt(RESULT.getBytes(StandardCharsets.UTF_8),
                ClientKeyPair.generate().publicKey());

        int exit = run(true, "--key", keyFile.toString(), payload);

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("cannot decrypt: result payload failed authentication")
                .doesNotContain("\tat ");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void tamperedPayloadExitsOne() {
        String payload = ResultCipher.encrypt(RESULT.getBytes(StandardCharsets.UTF_8), keys.publicKey());
        String tampered = payload.substring(0, payload.length() - 1) + (payload.endsWith("0") ? "1" : "0");

        assertThat(run(true, "--key", keyFile.toString(), tampered)).isEqualTo(1);
        assertThat(err.toString()).contains("failed authentication");
    }

    @Test
    void malformedPayloadExitsOneSayingWhatIsWrong() {
        assertThat(run(true, "--key", keyFile.toString(), "abc:def")).isEqualTo(1);
        assertThat(err.toString()).contains("4 ':'-separated parts");
    }

    @Test
    void missingKeyFileExitsTwoNamingIt() {
        Path missing = dir.resolve("other-key.json");

        assertThat(run(true, "--key", missing.toString(), "a:b:c:d")).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo(missing + ": no such file");
        assertThat(missing).doesNotExist();
    }

    @Test
    void malformedKeyFileExitsTwoNamingIt() throws IOException {
        Path bad = dir.resolve("bad-key.json");
        Files.writeString(bad, "{}");

        assertThat(run(true, "--key", bad.toString(), "a:b:c:d")).isEqualTo(2);
        assertThat(err.toString()).startsWith(bad + ": not a valid client key file");
    }

    @Test
    void missingPayloadFileExitsTwoNamingIt() {
        Path missing = dir.resolve("missing-payload.txt");

        assertThat(run(false, "--key", keyFile.toString(), "@" + missing)).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo(missing + ": no such file");
    }

    private int run(boolean expandAtFiles, String... args) {
        return new CommandLine(new DecryptCommand())
                .setExpandAtFiles(expandAtFiles)
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
    }
}
