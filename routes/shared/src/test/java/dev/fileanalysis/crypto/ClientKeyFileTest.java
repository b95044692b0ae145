package dev.fileanalysis.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientKeyFileTest {

    @TempDir
    Path dir;

    @Test
    void newKeyFileIsReadableByTheOwnerOnly() throws IOException {
        Path file = dir.resolve("client-key.json");

        ClientKeyFile.loadOrCreate(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void newKeyFileHoldsExactlyThePublicAndPrivateKeyHex() throws IOException {
        Path file = dir.resolve("client-key.json");

        ClientKeyPair keys = ClientKeyFile.loadOrCreate(file);

        assertThat(Files.readString(file)).isEqualTo("{\"publicKey\": \"" + keys.publicKey().hex()
                + "\", \"privateKey\": \"" + keys.privateKeyHex() + "\"}");
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.get("publicKey").asText()).hasSize(130);
        assertThat(json.get("privateKey").asText()).hasSize(64);
    }

    @Test
    void laterLoadsReuseTheSameKey() throws IOException {
        Path file = dir.resolve("client-key.json");
        ClientKeyPair first = ClientKeyFile.loadOrCreate(file);
        String content = Files.readString(file);

        ClientKeyPair second = ClientKeyFile.loadOrCreate(file);
        ClientKeyPair third = ClientKeyFile.load(file);

        assertThat(second.publicKey()).isEqualTo(first.publicKey());
        assertThat(second.privateKeyHex()).isEqualTo(first.privateKeyHex());
        assertThat(third.publicKey()).isEqualTo(first.publicKey());
        assertThat(Files.readString(file)).isEqualTo(content);
    }

    @Test
    void concurrentFirstLoadsAllGetTheOneKeyThatWasWritten() throws Exception {
        Path file = dir.resolve("client-key.json");
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ClientKeyPair>> loads = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                loads.add(pool.submit(() -> {
                    start.await();
                    return ClientKeyFile.loadOrCreate(file);
                }));
            }
            start.countDown();

            ClientKeyPair onDisk = null;
            for (Future<ClientKeyPair> load : loads) {
                ClientKeyPair keys = load.get(30, TimeUnit.SECONDS);
                onDisk = onDisk == null ? ClientKeyFile.load(file) : onDisk;
                assertThat(keys.publicKey()).isEqualTo(onDisk.publicKey());
            }
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries).containsExactly(file);
        }
    }

    @Test
    void creationLeavesNoTemporaryFilesBehind() throws IOException {
        Path file = dir.resolve("client-key.json");

        ClientKeyFile.loadOrCreate(file);

        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries).containsExactly(file);
        }
    }

    @Test
    void missingParentDirectoriesAreCreated() throws IOException {
        Path file = dir.resolve("data/keys/client-key.json");

        ClientKeyPair keys = ClientKeyFile.loadOrCreate(file);

        assertThat(ClientKeyFile.load(file).publicKey()).isEqualTo(keys.publicKey());
    }

    static Stream<Arguments> malformedFiles() {
        ClientKeyPair a = ClientKeyPair.generate();
        ClientKeyPair b = ClientKeyPair.generate();
        return Stream.of(
                Arguments.of("empty", "", "empty"),
                Arguments.of("not JSON", "publicKey=04...", "not JSON"),
                Arguments.of("truncated", "{\"publicKey\": \"" + a.publicKey().hex(), "not JSON"),
                Arguments.of("an array", "[]", "not a JSON object"),
                Arguments.of("private key missing", "{\"publicKey\": \"" + a.publicKey().hex() + "\"}",
                        "field \"privateKey\" is missing"),
                Arguments.of("public key a number", "{\"publicKey\": 4, \"privateKey\": \"" + a.privateKeyHex() + "\"}",
                        "field \"publicKey\" is not a string"),
                Arguments.of("unexpected field", "{\"publicKey\": \"" + a.publicKey().hex() + "\", \"privateKey\": \""
                        + a.privateKeyHex() + "\", \"extra\": 1}", "unexpected field \"extra\""),
                Arguments.of("keys of different pairs", "{\"publicKey\": \"" + a.publicKey().hex()
                        + "\", \"privateKey\": \"" + b.privateKeyHex() + "\"}", "does not belong to public key"),
                Arguments.of("short private key", "{\"publicKey\": \"" + a.publicKey().hex()
                        + "\", \"privateKey\": \"" + a.privateKeyHex().substring(2) + "\"}", "64 hex characters"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFiles")
    void malformedFileIsAClearErrorNamingItAndIsLeftUntouched(String name, String content, String expected)
            throws IOException {
        Path file = dir.resolve("client-key.json");
        Files.writeString(file, content, StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ClientKeyFile.loadOrCreate(file))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(file + ": not a valid client key file")
                .hasMessageContaining(expected);
        assertThat(Files.readString(file)).isEqualTo(content);
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries).containsExactly(file);
        }
    }

    @Test
    void loadingAMissingFileNamesItAndCreatesNothing() {
        Path file = dir.resolve("client-key.json");

        assertThatThrownBy(() -> ClientKeyFile.load(file))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(file.toString());
        assertThat(file).doesNotExist();
    }
}
