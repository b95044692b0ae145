package dev.fileanalysis.e2e;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client killed with kill -9 at seeded pseudo-random points while it uploads several files,
 * restarted each time by {@code pipeline up} as a container runtime would: every file still gets
 * exactly one correct result, each file is sent as one job, and no chunk whose landing the
 * client had seen is ever sent again (only chunks in flight at a kill may be). Rerun a failure
 * with {@code -Dcrash.seed=SEED}; the seed is printed at the start and in every failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientCrashIT {

    private static final Duration RESULT_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(90);
    private static final int CHUNK = 64 << 10;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LANDED = Pattern.compile("chunk (\\d+) of (job-[0-9a-f-]{36}) landed");
    private static final Pattern UPLOADING = Pattern.compile("uploading (.+) \\(\\d+ bytes\\) as (job-[0-9a-f-]{36})");
    private static final Pattern RESUMING = Pattern.compile("resuming (.+) as (job-[0-9a-f-]{36}):");

    @TempDir
    static Path data;

    private RunningPipeline pipeline;
    private final long seed = Long.getLong("crash.seed", System.nanoTime());

    @BeforeAll
    void startPipeline() throws Exception {
        System.out.println("ClientCrashIT seed " + seed + " (rerun with -Dcrash.seed=" + seed + ")");
        pipeline = RunningPipeline.start(data,
                "client.stable-ms=200", "client.poll-ms=100", "client.result-poll-ms=250",
                "client.chunk-bytes=" + CHUNK, "client.files-in-flight=2", "client.chunks-in-flight=4",
                "processor.claim-interval-ms=100");
    }

    @AfterAll
    void stopPipeline() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void killedAtRandomPointsTheClientLosesNoFileWritesNoResultTwiceAndResendsNoChunkThatLanded() throws Throwable {
        withSeed(() -> {
            Random random = new Random(seed);
            Map<String, byte[]> files = new LinkedHashMap<>();
            for (int i = 0; i < 6; i++) {
                int size = i == 0 ? 20 * CHUNK : (12 + random.nextInt(28)) * CHUNK + random.nextInt(CHUNK);
                files.put("crash-" + i + ".bin", bytes(size, random.nextLong()));
            }
            drop(files);

            List<String> injected = new ArrayList<>();
            for (int kill = 0; kill < 3; kill++) {
                int target = landed().size() + 1 + random.nextInt(12);
                await("chunk " + target + " to land").atMost(RESULT_TIMEOUT).pollInterval(Duration.ofMillis(5))
                        .until(() -> landed().size() >= target || uploadsFinished(files.keySet()));
                if (uploadsFinished(files.keySet())) {
                    break;
                }
                injected.add(killClient("after " + landed().size() + " chunks had landed (target " + target + ")"));
            }
            int resultsSeen = 1 + random.nextInt(files.size() - 1);
            await("result " + resultsSeen).atMost(RESULT_TIMEOUT).pollInterval(Duration.ofMillis(5))
                    .until(() -> resultFiles().size() >= resultsSeen);
            injected.add(killClient("when " + resultFiles().size() + " results were written"));
            System.out.println("ClientCrashIT seed " + seed + " injected: " + injected);

            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                JsonNode result = awaitResult(file.getKey() + ".json");
                assertThat(result.path("status").asText()).as(file.getKey() + ": " + result).isEqualTo("DONE");
                assertThat(result.path("result").path("size").asLong()).as(file.getKey()).isEqualTo(file.getValue().length);
                assertThat(result.path("result").path("sha256").asText()).as(file.getKey())
                        .isEqualTo(EmbeddedPipelineIT.sha256(file.getValue()));
            }
            await("no further result").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> resultFiles().stream().filter(name -> name.startsWith("crash-")).count() == files.size());

            String log = pipeline.log("client");
            Map<String, Set<String>> jobsByFile = new HashMap<>();
            for (Matcher m = UPLOADING.matcher(log); m.find(); ) {
                jobsByFile.computeIfAbsent(m.group(1), name -> new TreeSet<>()).add(m.group(2));
            }
            for (String name : files.keySet()) {
                assertThat(jobsByFile.get(name)).as("jobs of " + name + " (one, resumed after each kill)").hasSize(1);
            }
            Map<String, Integer> landings = new HashMap<>();
            for (Matcher m = LANDED.matcher(log); m.find(); ) {
                landings.merge(m.group(2) + " chunk " + m.group(1), 1, Integer::sum);
            }
            assertThat(landings).as("chunks that landed more than once (each was sent again after it was seen landing)")
                    .allSatisfy((chunk, times) -> assertThat(times).as(chunk).isEqualTo(1));
            List<String> resumed = new ArrayList<>();
            for (Matcher m = RESUMING.matcher(log); m.find(); ) {
                resumed.add(m.group(1));
            }
            assertThat(resumed).as("uploads resumed after a kill (a kill landed mid-upload)").isNotEmpty();
            assertThat(log).doesNotContain("Could not send");
        });
    }

    @Test
    void aFileChangedWhileTheClientWasDownIsSentAsANewJobAndOnlyItsResultIsWritten() throws Throwable {
        withSeed(() -> {
            byte[] first = bytes(60 * CHUNK, seed + 1);
            byte[] second = bytes(45 * CHUNK + 17, seed + 2);
            drop(Map.of("edited.bin", first));
            await("the upload of edited.bin to be under way").atMost(RESULT_TIMEOUT).pollInterval(Duration.ofMillis(5))
                    .until(() -> jobOf("edited.bin") != null && landedOf(jobOf("edited.bin")) >= 3);
            String oldJob = jobOf("edited.bin");

            killClient("during the upload of edited.bin", () -> Files.write(pipeline.drop().resolve("edited.bin"), second));

            JsonNode result = awaitResult("edited.bin.json");
            assertThat(result.path("job").asText()).isNotEqualTo(oldJob);
            assertThat(result.path("result").path("sha256").asText()).isEqualTo(EmbeddedPipelineIT.sha256(second));
            assertThat(result.path("result").path("size").asLong()).isEqualTo(second.length);
            assertThat(pipeline.log("client")).contains("edited.bin changed since its upload started: job " + oldJob
                    + " is abandoned");
            assertThat(resultFiles()).filteredOn(name -> name.startsWith("edited.bin")).containsExactly("edited.bin.json");
        });
    }

    @Test
    void aFolderAndASymbolicLinkDroppedEachGetOneFailedResultNamingThemAndNothingIsSent() throws Throwable {
        withSeed(() -> {
            Path secret = Files.writeString(data.resolve("outside-the-drop-folder.txt"), "private");
            Files.createDirectories(pipeline.drop().resolve("a folder"));
            Files.createSymbolicLink(pipeline.drop().resolve("a link.txt"), secret);

            JsonNode folder = awaitResult("a folder.json");
            JsonNode link = awaitResult("a link.txt.json");

            assertThat(folder.path("status").asText()).isEqualTo("FAILED");
            assertThat(folder.path("error").asText()).contains("a folder is a folder");
            assertThat(link.path("status").asText()).isEqualTo("FAILED");
            assertThat(link.path("error").asText()).contains("a link.txt is a symbolic link").contains("copy the file itself");
            await("no second report").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() ->
                    resultFiles().stream().filter(name -> name.startsWith("a folder") || name.startsWith("a link")).count() == 2);
            assertThat(jobOf("a link.txt")).as("no job for the link").isNull();
        });
    }

    // ---- helpers ----

    @FunctionalInterface
    private interface Body {
        void run() throws Throwable;
    }

    private void withSeed(Body body) throws Throwable {
        try {
            body.run();
        } catch (Throwable failure) {
            // The data folder goes with the test: show what the client said before it does.
            List<String> lines = Files.exists(clientLog()) ? Files.readAllLines(clientLog()) : List.of();
            System.out.println("ClientCrashIT seed " + seed + " failed; the client's log ends with:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size())));
            AssertionError withSeed = new AssertionError("ClientCrashIT seed " + seed + " (rerun with -Dcrash.seed="
                    + seed + "): " + failure.getMessage(), failure);
            throw withSeed;
        }
    }

    @FunctionalInterface
    private interface WhileDown {
        void run() throws Exception;
    }

    private String killClient(String when) throws Exception {
        return killClient(when, () -> { });
    }

    /** kill -9 of the client; {@code whileDown} runs before `pipeline up` restarts it; waits until it is back. */
    private String killClient(String when, WhileDown whileDown) throws Exception {
        ProcessHandle client = pipeline.roleProcesses("client").get(0);
        client.destroyForcibly();
        await("client pid " + client.pid() + " gone").atMost(Duration.ofSeconds(30)).until(() -> !client.isAlive());
        long logEnd = Files.size(clientLog());
        whileDown.run();
        await("client restarted after the kill " + when).atMost(RESTART_TIMEOUT).until(() ->
                pipeline.roleProcesses("client").stream().anyMatch(handle -> handle.pid() != client.pid())
                        && readFrom(clientLog(), logEnd).contains("client started"));
        return "kill -9 " + when;
    }

    private Path clientLog() {
        return data.resolve("logs").resolve("client.log");
    }

    private List<String> landed() throws IOException {
        List<String> chunks = new ArrayList<>();
        for (Matcher m = LANDED.matcher(pipeline.log("client")); m.find(); ) {
            chunks.add(m.group(2) + "/" + m.group(1));
        }
        return chunks;
    }

    private long landedOf(String job) throws IOException {
        return landed().stream().filter(chunk -> chunk.startsWith(job + "/")).count();
    }

    private String jobOf(String name) throws IOException {
        Matcher m = UPLOADING.matcher(pipeline.log("client"));
        String job = null;
        while (m.find()) {
            if (m.group(1).equals(name)) {
                job = m.group(2);
            }
        }
        return job;
    }

    private boolean uploadsFinished(Set<String> names) throws IOException {
        String log = pipeline.log("client");
        return names.stream().allMatch(name -> log.contains("uploaded " + name + " as "));
    }

    private List<String> resultFiles() throws IOException {
        if (!Files.isDirectory(pipeline.results())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(pipeline.results())) {
            return files.map(path -> path.getFileName().toString()).filter(name -> !name.startsWith(".")).sorted().toList();
        }
    }

    private JsonNode awaitResult(String resultFile) throws Exception {
        Path path = pipeline.results().resolve(resultFile);
        await("result file " + resultFile).atMost(RESULT_TIMEOUT).until(() -> Files.exists(path));
        return JSON.readTree(path.toFile());
    }

    /** Writes each file beside the drop folder, then moves it in whole, as a finished download would. */
    private void drop(Map<String, byte[]> files) throws IOException {
        Path staging = Files.createDirectories(data.resolve("staging"));
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path staged = Files.write(staging.resolve(file.getKey()), file.getValue());
            Files.move(staged, pipeline.drop().resolve(file.getKey()), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String readFrom(Path file, long offset) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length <= offset) {
                return "";
            }
            byte[] tail = new byte[(int) (length - offset)];
            in.seek(offset);
            in.readFully(tail);
            return new String(tail, StandardCharsets.UTF_8);
        }
    }

    private static byte[] bytes(int size, long seed) {
        byte[] content = new byte[size];
        new Random(seed).nextBytes(content);
        return content;
    }
}
