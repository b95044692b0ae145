package dev.fileanalysis.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.api.ServerApiClient;
import dev.fileanalysis.aws.AwsClients;
import dev.fileanalysis.bench.BenchData.Generated;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.runtime.RunningSystem;
import dev.fileanalysis.runtime.Settings;
import dev.fileanalysis.signin.AuthApi;
import dev.fileanalysis.signin.ServerSession;
import dev.fileanalysis.signin.SessionFile;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code pipeline bench}: starts the whole system on the embedded stack, drops seeded files into
 * it, times each from drop to result (and to the engine's first byte), runs the baselines on the
 * same files in the same invocation, and writes {@code bench.json}, {@code bench.md} and charts.
 *
 * <p>There is no link model yet: every scenario runs on unlimited loopback and says so. Scenarios
 * that need a link (100 Mbit/s, the adaptive sweep) or features not built yet (adaptive level,
 * the 20 GiB stream) are reported as not run, with the reason.
 */
public final class Bench {

    /** What to run. */
    public record Plan(Path home, Path folder, long seed, boolean quick, Set<String> scenarios, PrintStream out) {
        long mixedBytes() {
            return quick ? 64L << 20 : 512L << 20;
        }

        long randomBytes() {
            return quick ? 32L << 20 : 256L << 20;
        }

        int smallFiles() {
            return quick ? 300 : 1000;
        }
    }

    public static final List<String> RUNNABLE = List.of("mixed-loopback", "random-loopback", "small-files");
    public static final String LINK_MODEL = "none (unlimited loopback): the client's bandwidth limit is not wired into its "
            + "uploads yet and no network namespace with a tbf-shaped veth is set up";

    static final int SMALL_FILE_BYTES = 4096;
    static final int CHUNK_BYTES = 4 * 1024 * 1024;
    static final int LEVEL = 3;
    static final int REPEATS = 3;

    /**
     * Settings of the system under test. Shorter polling than the defaults, so that the figures are
     * the pipeline's work rather than its idle waits; chunk size, level and workers stay at their defaults.
     */
    static final List<String> SETTINGS = List.of(
            "client.poll-ms=100", "client.stable-ms=100", "client.result-poll-ms=200", "processor.claim-interval-ms=100",
            "client.chunk-bytes=" + CHUNK_BYTES, "client.compression-level=" + LEVEL, "client.compression-workers=0");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Plan plan;
    private final PrintStream out;

    public Bench(Plan plan) {
        this.plan = plan;
        this.out = plan.out();
    }

    /** Runs the plan and writes the report; answers the report's folder. */
    public Path run() throws Exception {
        String started = Instant.now().toString();
        Path folder = plan.folder().toAbsolutePath().normalize();
        Path staging = folder.resolve("staging");
        Path systemData = folder.resolve("pipeline");
        deleteTree(staging);
        deleteTree(systemData);
        deleteTree(folder.resolve("scratch"));
        Files.createDirectories(staging);

        out.printf("bench: seed %d%s, data in %s%n", plan.seed(), plan.quick() ? ", --quick" : "", folder);
        Map<String, Generated> large = new HashMap<>();
        List<Generated> small = List.of();
        if (plan.scenarios().contains("mixed-loopback")) {
            large.put("mixed-loopback", BenchData.mixed(plan.seed(), plan.mixedBytes(), staging.resolve(
                    "mixed-" + plan.seed() + "-" + (plan.mixedBytes() >> 20) + "MiB.log")));
        }
        if (plan.scenarios().contains("random-loopback")) {
            large.put("random-loopback", BenchData.random(plan.seed() + 1, plan.randomBytes(), staging.resolve(
                    "random-" + plan.seed() + "-" + (plan.randomBytes() >> 20) + "MiB.bin")));
        }
        if (plan.scenarios().contains("small-files")) {
            small = BenchData.smallFiles(plan.seed() + 2, plan.smallFiles(), SMALL_FILE_BYTES, staging.resolve("small"));
        }
        out.println("bench: data generated");

        List<ScenarioResult> results = new ArrayList<>();
        Files.createDirectories(systemData);
        Path upLog = systemData.resolveSibling("pipeline-up.log");
        try (java.io.PrintWriter upOutput = new java.io.PrintWriter(Files.newBufferedWriter(upLog), true);
             RunningSystem system = RunningSystem.start(plan.home(), systemData, SETTINGS, upOutput::println)) {
            out.println("bench: system ready (" + upLog + ")");
            Properties devstack = system.devstack();
            Settings settings = Settings.of(toMap(devstack));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            // The client's own session (it signed in as the dev user at start): the bench reads its jobs as it.
            ServerSession session = ServerSession.resume(new AuthApi(http, system.address("server")),
                    new SessionFile(systemData.resolve("session.json")));
            ServerApiClient api = new ServerApiClient(http, system.address("server"), session);
            ClientLog log = new ClientLog(systemData.resolve("logs").resolve("client.log"));
            try (S3Client s3 = new AwsClients(settings).s3()) {
                Baselines baselines = new Baselines(s3, settings.require("s3.bucket"),
                        Files.createDirectories(folder.resolve("scratch")));
                baselines.warmUp();
                for (String name : RUNNABLE) {
                    if (!plan.scenarios().contains(name)) {
                        continue;
                    }
                    ScenarioResult result = new ScenarioResult(name);
                    results.add(result);
                    try {
                        List<Path> dropped;
                        if (name.equals("small-files")) {
                            dropped = runSmallFiles(result, small, system.data(), log);
                        } else {
                            dropped = List.of(runLargeFile(result, large.get(name), system.data(), log, api));
                        }
                        runBaselines(result, dropped, baselines);
                    } catch (Exception e) {
                        result.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
                        out.println("bench: " + name + " failed: " + e.getMessage());
                    }
                }
            }
        }
        for (String name : List.of("mixed-100mbit", "adaptive-10mbit", "adaptive-100mbit", "adaptive-1000mbit")) {
            results.add(ScenarioResult.notRun(name, name.startsWith("adaptive")
                    ? "needs a link model and the adaptive compression level, neither of which exists yet"
                    : "needs a link model: the client's bandwidth limit (dev.fileanalysis.transfer) is not wired into its "
                    + "uploads yet and no network namespace shaped with tc tbf is set up"));
        }
        results.add(ScenarioResult.notRun("big-stream", "the 20 GiB stream with peak-RSS sampling is not built yet"));
        int order = 0;
        Map<String, Integer> position = new HashMap<>();
        for (String name : List.of("mixed-100mbit", "mixed-loopback", "random-loopback", "small-files",
                "adaptive-10mbit", "adaptive-100mbit", "adaptive-1000mbit", "big-stream")) {
            position.put(name, order++);
        }
        results.sort(Comparator.comparingInt(r -> position.getOrDefault(r.name, 99)));

        List<String> charts;
        try {
            charts = BenchCharts.draw(results, folder);
        } catch (Exception | Error e) {
            // e.g. a machine without fonts for headless AWT: the figures matter more than the pictures
            out.println("bench: charts not drawn: " + e);
            charts = List.of();
        }
        BenchReport.Run run = new BenchReport.Run(Machine.describe(), started, plan.seed(), plan.quick(), LINK_MODEL,
                CHUNK_BYTES, SETTINGS, results, charts);
        BenchReport.write(run, folder);
        deleteTree(staging);
        deleteTree(folder.resolve("scratch"));
        out.println();
        out.print(BenchReport.markdown(run));
        out.println("bench: report in " + folder.resolve("bench.md") + " and " + folder.resolve("bench.json"));
        return folder;
    }

    /** Drops one large file; polls the job for its first analysed chunk and the result folder for its result. */
    private Path runLargeFile(ScenarioResult result, Generated file, Path data, ClientLog log, ServerApiClient api)
            throws Exception {
        String name = file.path().getFileName().toString();
        out.printf("bench: %s: dropping %s (%s)%n", result.name, name, BenchReport.mib(file.bytes()));
        result.fileBytes = file.bytes();
        result.linkBitsPerSecond = null;
        result.physicalLimitSeconds = null;
        result.note("physical_limit_s", "no link model: unlimited loopback has no link rate to divide by");
        Path drop = Files.createDirectories(data.resolve("drop")).resolve(name);
        Path resultFile = data.resolve("results").resolve(name + ".json");
        Duration timeout = Duration.ofSeconds(120 + file.bytes() / 1_000_000);

        long start = System.nanoTime();
        Files.move(file.path(), drop, StandardCopyOption.ATOMIC_MOVE);
        String job = null;
        long lastPoll = 0;
        while (true) {
            long now = System.nanoTime();
            double elapsed = (now - start) / 1e9;
            if (elapsed > timeout.toSeconds()) {
                throw new IllegalStateException("no result for " + name + " within " + timeout.toSeconds() + " s");
            }
            if (job == null) {
                job = log.refresh().job(name);
            }
            if (job != null && now - lastPoll > (result.firstByteSeconds == null ? 40_000_000L : 200_000_000L)) {
                lastPoll = now;
                Job state = api.job(job);
                double at = (System.nanoTime() - start) / 1e9;
                int analysed = state.analysed() == null ? 0 : state.analysed();
                result.timeline.add(new ScenarioResult.Sample(at, state.chunks() == null ? 0 : state.chunks(), analysed));
                if (analysed >= 1 && result.firstByteSeconds == null) {
                    result.firstByteSeconds = at;
                }
            }
            Optional<JsonNode> answer = readResult(resultFile);
            if (answer.isPresent()) {
                result.systemSeconds = (System.nanoTime() - start) / 1e9;
                check(answer.get(), name, file.sha256());
                break;
            }
            Thread.sleep(10);
        }
        if (result.firstByteSeconds == null) {
            result.note("first_byte_s", "the job's 'analysed' count was never seen at 1 or more before the result "
                    + "(polled every 40 ms); the job finished between two polls");
        }
        log.refresh();
        fillFromLog(result, List.of(name), log);
        out.printf("bench: %s: result after %.2f s (first byte %s s)%n", result.name, result.systemSeconds,
                BenchReport.seconds(result.firstByteSeconds));
        return drop;
    }

    /** Drops many small files at once; files/s is their count over the time to the last result. */
    private List<Path> runSmallFiles(ScenarioResult result, List<Generated> files, Path data, ClientLog log) throws Exception {
        out.printf("bench: small-files: dropping %d files of %d bytes%n", files.size(), SMALL_FILE_BYTES);
        Path drop = Files.createDirectories(data.resolve("drop"));
        Path results = Files.createDirectories(data.resolve("results"));
        result.files = files.size();
        result.fileBytes = files.stream().mapToLong(Generated::bytes).sum();
        result.note("first_byte_s", "not defined for many small files");
        result.note("physical_limit_s", "no link model: unlimited loopback has no link rate to divide by");
        Duration timeout = Duration.ofSeconds(120 + files.size());
        List<Path> dropped = new ArrayList<>();
        long start = System.nanoTime();
        for (Generated file : files) {
            Path target = drop.resolve(file.path().getFileName());
            Files.move(file.path(), target, StandardCopyOption.ATOMIC_MOVE);
            dropped.add(target);
        }
        Map<String, Generated> waiting = new HashMap<>();
        files.forEach(file -> waiting.put(file.path().getFileName().toString(), file));
        while (!waiting.isEmpty()) {
            if (System.nanoTime() - start > timeout.toNanos()) {
                throw new IllegalStateException(waiting.size() + " of " + files.size() + " small files had no result within "
                        + timeout.toSeconds() + " s");
            }
            for (String name : List.copyOf(waiting.keySet())) {
                Optional<JsonNode> answer = readResult(results.resolve(name + ".json"));
                if (answer.isPresent()) {
                    check(answer.get(), name, waiting.remove(name).sha256());
                }
            }
            Thread.sleep(20);
        }
        result.systemSeconds = (System.nanoTime() - start) / 1e9;
        result.filesPerSecond = files.size() / result.systemSeconds;
        log.refresh();
        fillFromLog(result, dropped.stream().map(path -> path.getFileName().toString()).toList(), log);
        out.printf("bench: small-files: %d results after %.2f s (%.1f files/s)%n", files.size(), result.systemSeconds,
                result.filesPerSecond);
        return dropped;
    }

    /** Wire bytes and chunk count as the client logged each landed frame; client upload time for one file. */
    private static void fillFromLog(ScenarioResult result, List<String> names, ClientLog log) {
        long wire = 0;
        int chunks = 0;
        for (String name : names) {
            String job = log.job(name);
            Long bytes = job == null ? null : log.wireBytes(job);
            if (bytes == null) {
                result.note("wire_bytes", "the client log did not show every landed chunk's size ("
                        + name + " has none), so the bytes on the wire are unknown");
                return;
            }
            wire += bytes;
            chunks += log.chunks(job);
            if (names.size() == 1 && log.uploadMillis(job) != null) {
                result.clientUploadSeconds = log.uploadMillis(job) / 1000.0;
            }
        }
        result.wireBytes = wire;
        result.chunks = chunks;
        result.note("wire_bytes", "sum of the zstd frames the client logged as landed (payload only, no HTTP headers)");
    }

    private void runBaselines(ScenarioResult result, List<Path> files, Baselines baselines) throws Exception {
        out.printf("bench: %s: baselines%n", result.name);
        int threads = Runtime.getRuntime().availableProcessors();
        List<Baselines.Measured> zstdRuns = new ArrayList<>();
        List<Baselines.Measured> plainRuns = new ArrayList<>();
        List<Baselines.Measured> sequentialRuns = new ArrayList<>();
        String prefix = "bench/" + result.name + "/";
        // each baseline REPEATS times, interleaved, and the median kept: one slow run (a GC, a disk flush)
        // should not decide a target either way
        for (int i = 0; i < REPEATS; i++) {
            zstdRuns.add(Baselines.zstdCli(files, threads, LEVEL));
            plainRuns.add(baselines.plainUpload(files, prefix + "plain/"));
            sequentialRuns.add(baselines.sequentialRaw(files, prefix + "sequential/"));
        }
        Baselines.Measured zstd = median(zstdRuns);
        result.zstdCliSeconds = zstd.seconds();
        result.zstdCliBytes = zstd.bytes();
        result.note("zstd_cli_s", zstd.reason() != null ? zstd.reason()
                : "zstd -T" + threads + " -" + LEVEL + " -c, output counted and dropped (the client's workers: all "
                + threads + " cores); median of " + runs(zstdRuns));
        result.plainUploadSeconds = median(plainRuns).seconds();
        result.sequentialRawSeconds = median(sequentialRuns).seconds();
        String how = files.size() == 1 ? "one PutObject of the whole file" : files.size() + " PutObjects, "
                + Baselines.CONCURRENT_REQUESTS + " at once (the AWS CLI's default)";
        result.note("plain_upload_s", how + " with the AWS SDK v2 (sync, Apache HTTP client) to the same s3proxy; median of "
                + runs(plainRuns));
        result.note("sequential_raw_s", "upload raw (" + how + "), then GetObject to disk, then SHA-256 of the download; "
                + "median of " + runs(sequentialRuns));
        out.printf("bench: %s: zstd %s s, plain upload %s s, sequential %s s%n", result.name,
                BenchReport.seconds(result.zstdCliSeconds), BenchReport.seconds(result.plainUploadSeconds),
                BenchReport.seconds(result.sequentialRawSeconds));
    }

    /** The run with the median time; a run without a time (zstd missing) when there is no time at all. */
    static Baselines.Measured median(List<Baselines.Measured> runs) {
        List<Baselines.Measured> timed = runs.stream().filter(run -> run.seconds() != null)
                .sorted(Comparator.comparingDouble(Baselines.Measured::seconds)).toList();
        return timed.isEmpty() ? runs.get(0) : timed.get(timed.size() / 2);
    }

    private static String runs(List<Baselines.Measured> runs) {
        return runs.stream().map(run -> BenchReport.seconds(run.seconds())).collect(java.util.stream.Collectors.joining(", ")) + " s";
    }

    private static Optional<JsonNode> readResult(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(file.toFile()));
        } catch (IOException stillBeingWritten) {
            return Optional.empty();
        }
    }

    private static void check(JsonNode answer, String name, String sha256) {
        if (!"DONE".equals(answer.path("status").asText())) {
            throw new IllegalStateException(name + " ended " + answer.path("status").asText() + ": " + answer.path("error").asText());
        }
        String got = answer.path("result").path("sha256").asText();
        if (!sha256.equals(got)) {
            throw new IllegalStateException(name + " came back with SHA-256 " + got + ", expected " + sha256);
        }
    }

    private static Map<String, String> toMap(Properties properties) {
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(key -> map.put(key, properties.getProperty(key)));
        return map;
    }

    static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    static Set<String> allRunnable() {
        return new LinkedHashSet<>(RUNNABLE);
    }
}
