package dev.fileanalysis.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Whatever a person names a file, and whoever is signed in, every file dropped ends in exactly one
 * result or one FAILED result that names it and says what to do; nothing waits in silence.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DropFolderNamesIT {

    private static final Duration RESULT_TIMEOUT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    // Kept when a test fails: its logs say which name went where.
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path data;

    private RunningPipeline pipeline;
    private URI serverUrl;

    @BeforeAll
    void startPipeline() throws Exception {
        pipeline = RunningPipeline.start(data, "client.stable-ms=300", "client.poll-ms=100", "client.result-poll-ms=250",
                "processor.claim-interval-ms=100");
        serverUrl = pipeline.address("server");
    }

    @AfterAll
    void stopPipeline() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void everyAwkwardNameGetsExactlyOneResultThatCarriesItsFullName() throws Exception {
        List<String> names = new ArrayList<>(List.of(
                // the longest name ext4 takes: no room left for ".json"
                "a".repeat(251) + ".txt",
                // 85 characters of three bytes: 255 bytes
                "会議録".repeat(28) + "表",
                // two-byte characters just short of the limit
                "é".repeat(125) + ".md",
                "say \"hello\" it's `fine`.txt",
                "-rf --help.txt",
                "line one\nline two.txt",
                "   ",
                "report.json",
                "a tab\there.txt",
                "what?*<>|:.txt",
                "100% ${braces} $HOME #1.txt",
                "📄 report 🧾.pdf",
                "ends with a dot.",
                Normalizer.normalize("café menu.txt", Normalizer.Form.NFC),
                Normalizer.normalize("café menu.txt", Normalizer.Form.NFD)));
        assertThat(names.get(13)).isNotEqualTo(names.get(14));
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : names) {
            files.put(name, ("the file called " + name).getBytes(StandardCharsets.UTF_8));
        }
        drop(files);
        // A name Java cannot even spell (a Latin-1 é from another system): only the shell makes it.
        Process latin1 = new ProcessBuilder("sh", "-c", "printf 'old' > \"$(printf 'caf\\351 latin-1.txt')\"")
                .directory(pipeline.drop().toFile()).start();
        assertThat(latin1.waitFor()).isZero();

        // Linux allows a backslash in a name; Camel's file component takes it for a separator.
        String backslash = "back\\slash.txt";
        drop(Map.of(backslash, "a backslash".getBytes(StandardCharsets.UTF_8)));

        Map<String, List<JsonNode>> byName = awaitResults(names.size() + 2);

        for (String name : names) {
            assertThat(byName.get(name)).as("results for %s", name).hasSize(1);
            JsonNode result = byName.get(name).get(0);
            assertThat(result.path("status").asText()).as(name).isEqualTo("DONE");
            assertThat(result.path("result").path("size").asLong()).as(name).isEqualTo(files.get(name).length);
        }
        List<JsonNode> failed = byName.get("caf\uFFFD latin-1.txt");
        assertThat(failed).as("the name that is not UTF-8").hasSize(1);
        assertThat(failed.get(0).path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.get(0).path("error").asText()).contains("caf\\xE9 latin-1.txt").contains("Rename it");
        assertThat(byName.get(backslash)).hasSize(1).first().satisfies(result -> {
            assertThat(result.path("status").asText()).isEqualTo("FAILED");
            assertThat(result.path("error").asText()).contains("backslash").contains("Rename it");
        });
        try (Stream<Path> written = Files.list(pipeline.results())) {
            assertThat(written.filter(path -> !path.getFileName().toString().startsWith(".")))
                    .allSatisfy(path -> assertThat(path.getFileName().toString().getBytes(StandardCharsets.UTF_8).length)
                            .isLessThanOrEqualTo(255))
                    .hasSize(names.size() + 2);
        }
    }

    @Test
    void aClientNobodyIsSignedInOnKeepsItsFilesWaitingAndSendsThemOnceSomeoneSignsIn() throws Exception {
        Path device = Files.createDirectories(data.resolve("signed-out-device"));
        Files.createDirectories(device.resolve("drop"));
        Path log = data.resolve("logs").resolve("client-signed-out.log");
        pipeline.startRole("client-signed-out", "client", "--data", device.toString(),
                "--property", "client.server-url=" + serverUrl, "--property", "client.dev-user=",
                "--property", "client.stable-ms=300", "--property", "client.poll-ms=100",
                "--property", "client.result-poll-ms=250");
        Files.writeString(device.resolve("drop").resolve("payroll.csv"), "name,amount\nada,1\n");
        Files.writeString(device.resolve("drop").resolve("minutes.txt"), "the minutes");
        await("the client says it is not signed in").atMost(Duration.ofMinutes(1))
                .until(() -> Files.exists(log) && Files.readString(log).contains("Not signed in: run ./pipeline login"));

        assertThat(resultsIn(device)).as("nothing is failed while it waits").isEmpty();
        PipelineCli.run(serverUrl, device, 0, "login", "--user", "waiting-user");

        await("both files are sent after the sign-in").atMost(RESULT_TIMEOUT).until(() -> resultsIn(device).size() == 2);
        for (Path result : resultsIn(device)) {
            assertThat(JSON.readTree(result.toFile()).path("status").asText()).as(Files.readString(result)).isEqualTo("DONE");
        }
        String said = Files.readString(log);
        assertThat(said.split("Not signed in: run ./pipeline login", -1)).as("said once, not once per file").hasSize(2);
        assertThat(said).contains("Signed in again on this device");
    }

    private static List<Path> resultsIn(Path device) throws IOException {
        Path results = device.resolve("results");
        if (!Files.isDirectory(results)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(results)) {
            return files.filter(path -> path.getFileName().toString().endsWith(".json")
                    && !path.getFileName().toString().startsWith(".")).toList();
        }
    }

    /** The results by the name inside them, once {@code count} result files are there. */
    private Map<String, List<JsonNode>> awaitResults(int count) throws Exception {
        try {
            await("all results").atMost(RESULT_TIMEOUT).until(() -> resultsIn(data).size() >= count);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(count + " results expected; there are " + resultsByName().keySet() + " (data in " + data
                    + ")", e);
        }
        return resultsByName();
    }

    private Map<String, List<JsonNode>> resultsByName() throws IOException {
        Map<String, List<JsonNode>> byName = new HashMap<>();
        for (Path result : resultsIn(data)) {
            JsonNode content = JSON.readTree(result.toFile());
            byName.computeIfAbsent(content.path("name").asText(), name -> new ArrayList<>()).add(content);
        }
        return byName;
    }

    private void drop(Map<String, byte[]> files) throws Exception {
        pipeline.drop(files);
    }
}
