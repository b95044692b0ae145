package dev.fileanalysis.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.server.aws.AwsClients;
import dev.fileanalysis.bench.BenchData.Generated;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.cli.RunningSystem;
import dev.fileanalysis.runtime.Settings;
import dev.fileanalysis.client.signin.SignInClient;
import dev.fileanalysis.client.signin.ServerSession;
import dev.fileanalysis.client.signin.SessionFile;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code pipeline bench}: starts the whole system on the embedded stack, drops seeded files into
 * it, times each from drop to result (and to the engine's first byte), runs the baselines on the
 * same files in the same invocation, and writes {@code bench.json}, {@code bench.md} and charts.
 *
 * <p>The loopback scenarios run with the system's own client on unlimited loopback. The link
 * scenarios (100 Mbit/s, the adaptive sweep at 10, 100 and 1000 Mbit/s) run a second client behind a
 * {@link LinkModel}: its own network namespace with a tbf-shaped veth when this machine allows it,
 * else its own bandwidth limit; the report says which.
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

        /** The stream far larger than the JVMs' heaps: 20 GiB, 1 GiB in --quick. */
        long bigStreamBytes() {
            return quick ? 1L << 30 : 20L << 30;
        }

        /** The file of the adaptive sweep: sent once per fixed setting and speed, so it stays small. */
        long sweepBytes() {
            return quick ? 16L << 20 : 128L << 20;
        }

        /** Chunks of the link scenarios: small in --quick so that the adaptive level has chunks to learn from. */
        int linkChunkBytes() {
            return quick ? 1 << 20 : CHUNK_BYTES;
        }
    }

    static final List<String> LOOPBACK = List.of("mixed-loopback", "random-loopback", "small-files", "big-stream");
    static final List<String> LINKED = List.of("mixed-100mbit", "adaptive-10mbit", "adaptive-100mbit", "adaptive-1000mbit");
    public static final List<String> RUNNABLE = List.of("mixed-loopback", "random-loopback", "small-files", "big-stream",
            "mixed-100mbit", "adaptive-10mbit", "adaptive-100mbit", "adaptive-1000mbit", "idle", "drop-folder");
    static final String NO_LINK = "none (unlimited loopback): no link scenario was selected";
    /** The fixed settings the adaptive level is held against: uncompressed, then zstd levels from fast to strong. */
    static final List<String> SWEEP = List.of("none", "1", "3", "9", "19");
    static final long MBIT = 1_000_000L;

    static final int SMALL_FILE_BYTES = 4096;
    /** Small files sent before the measured ones, so the figure is a running system's, not a starting one's. */
    static final int SMALL_WARM_UP_FILES = 200;
    /** The mixed warm-up file dropped before the first large file (a random one of half its size goes with it). */
    static final long LARGE_WARM_UP_BYTES = 32L << 20;
    static final int CHUNK_BYTES = 4 * 1024 * 1024;
    static final int LEVEL = 3;
    static final int REPEATS = 3;

    /**
     * Settings of the system under test. Shorter polling than the defaults, so that the figures are
     * the pipeline's work rather than its idle waits; chunk size, level and workers stay at their defaults.
     * An unlimited plan: a full run sends more than the free plan's month (the 20 GiB stream alone).
     */
    static final List<String> SETTINGS = List.of(
            "client.poll-ms=100", "client.stable-ms=100", "client.result-poll-ms=200", "processor.claim-interval-ms=100",
            "processor.idle-claim-max-interval-ms=100",
            "client.chunk-bytes=" + CHUNK_BYTES, "client.compression-level=auto", "client.compression-workers=0",
            "plans.default=bench", "plans.bench.bytes-per-month=unlimited", "plans.bench.jobs-per-month=unlimited",
            "plans.bench.largest-file-bytes=unlimited");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Plan plan;
    private final PrintStream out;
    /** The system under test while it runs, for its processes' CPU time. */
    private RunningSystem system;

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
        // Large files go into a system warmed up as one that has run for a while: see warmUpLarge.
        List<Generated> largeWarmUp = List.of();
        if (plan.scenarios().stream().anyMatch(List.of("mixed-loopback", "random-loopback", "big-stream")::contains)) {
            Path warm = Files.createDirectories(staging.resolve("large-warm-up"));
            largeWarmUp = List.of(BenchData.mixed(plan.seed() + 8, LARGE_WARM_UP_BYTES, warm.resolve("warm-up-mixed.log")),
                    BenchData.random(plan.seed() + 9, LARGE_WARM_UP_BYTES / 2, warm.resolve("warm-up-random.bin")));
        }
        List<Generated> smallWarmUp = List.of();
        if (plan.scenarios().contains("small-files")) {
            small = BenchData.smallFiles(plan.seed() + 2, plan.smallFiles(), SMALL_FILE_BYTES, staging.resolve("small"));
            smallWarmUp = BenchData.smallFiles(plan.seed() + 5, SMALL_WARM_UP_FILES, SMALL_FILE_BYTES,
                    staging.resolve("small-warm-up"), "warm-up");
        }
        out.println("bench: data generated");

        List<ScenarioResult> results = new ArrayList<>();
        String linkModel = NO_LINK;
        Files.createDirectories(systemData);
        Path upLog = systemData.resolveSibling("pipeline-up.log");
        try (java.io.PrintWriter upOutput = new java.io.PrintWriter(Files.newBufferedWriter(upLog), true);
             RunningSystem system = RunningSystem.start(plan.home(), systemData, SETTINGS, upOutput::println)) {
            out.println("bench: system ready (" + upLog + ")");
            this.system = system;
            Properties devstack = system.devstack();
            Settings settings = Settings.of(toMap(devstack));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            // The client's own session (it signed in as the dev user at start): the bench reads its jobs as it.
            ServerSession session = ServerSession.resume(new SignInClient(http, system.address("server")),
                    new SessionFile(systemData.resolve("session.json")));
            ServerApiClient api = new ServerApiClient(http, system.address("server"), session);
            ClientLog log = new ClientLog(systemData.resolve("logs").resolve("client.log"));
            try (S3Client s3 = new AwsClients(settings).s3()) {
                Baselines baselines = new Baselines(s3, settings.require("s3.bucket"),
                        Files.createDirectories(folder.resolve("scratch")));
                remote = new Baselines.S3Remote(settings.require("s3.endpoint"), settings.require("aws.region"),
                        settings.require("aws.access-key-id"), settings.require("aws.secret-access-key"));
                baselines.warmUp();
                for (String name : LOOPBACK) {
                    if (!plan.scenarios().contains(name)) {
                        continue;
                    }
                    ScenarioResult result = new ScenarioResult(name);
                    results.add(result);
                    try {
                        if (!largeWarmUp.isEmpty() && !name.equals("small-files")) {
                            warmUpLarge(result, largeWarmUp, system.data());
                            largeWarmUp = List.of();
                        }
                        if (name.equals("big-stream")) {
                            runBigStream(result, system, staging, log, api);
                            continue;
                        }
                        List<Path> dropped;
                        if (name.equals("small-files")) {
                            dropped = runSmallFiles(result, smallWarmUp, small, system, log);
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
            List<String> linked = LINKED.stream().filter(plan.scenarios()::contains).toList();
            if (!linked.isEmpty()) {
                List<URI> addresses = List.of(system.address("server"), URI.create(devstack.getProperty("s3.endpoint")),
                        URI.create(devstack.getProperty("oidc.issuer")));
                try (LinkModel link = LinkModel.open(addresses, System.getProperty("java.class.path"))) {
                    linkModel = link.describe();
                    out.println("bench: link model: " + linkModel);
                    results.addAll(runLinked(link, linked, system, api, staging, folder.resolve("linked")));
                } catch (Exception e) {
                    // e.g. a client behind the link that did not start: the loopback figures are still reported
                    out.println("bench: link scenarios failed: " + e.getMessage());
                    for (String name : linked) {
                        ScenarioResult failed = new ScenarioResult(name);
                        failed.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
                        results.add(failed);
                    }
                }
            }
        }
        for (String name : LINKED) {
            if (!plan.scenarios().contains(name)) {
                results.add(ScenarioResult.notRun(name, "not selected in this run (--scenarios)"));
            }
        }
        deleteTree(folder.resolve("linked"));
        BenchReport.Idle idle;
        if (plan.scenarios().contains("idle")) {
            idle = runIdle(folder.resolve("idle"), staging);
        } else {
            idle = BenchReport.Idle.notMeasured("not selected in this run (--scenarios)");
        }
        List<BenchReport.DropFolder> dropFolder = plan.scenarios().contains("drop-folder")
                ? runDropFolder(folder.resolve("drop-folder"), staging) : List.of();
        if (!plan.scenarios().contains("big-stream")) {
            results.add(ScenarioResult.notRun("big-stream", "not selected in this run (--scenarios)"));
        }
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
        BenchReport.Run run = new BenchReport.Run(Machine.describe(), started, plan.seed(), plan.quick(), linkModel,
                CHUNK_BYTES, SETTINGS, results, charts, idle, dropFolder);
        BenchReport.write(run, folder);
        deleteTree(staging);
        deleteTree(folder.resolve("scratch"));
        out.println();
        out.print(BenchReport.markdown(run));
        out.println("bench: report in " + folder.resolve("bench.md") + " and " + folder.resolve("bench.json"));
        return folder;
    }

    /**
     * The link scenarios, each on a second client behind {@code link}: for every speed asked, the
     * sweep file goes once per fixed setting ({@link #SWEEP}) and once with {@code auto}; the
     * large mixed file goes with {@code auto} at 100 Mbit/s. A client is started once per fixed
     * setting when the link's speed can change under it, and once per speed for {@code auto}, so
     * that its level is learnt afresh on each link rather than carried over from the last one.
     */
    private List<ScenarioResult> runLinked(LinkModel link, List<String> names, RunningSystem system, ServerApiClient api,
                                           Path staging, Path clients) throws Exception {
        List<Long> speeds = new ArrayList<>();
        for (long mbit : List.of(10L, 100L, 1000L)) {
            if (names.contains("adaptive-" + mbit + "mbit")) {
                speeds.add(mbit);
            }
        }
        boolean mixed = names.contains("mixed-100mbit");
        Map<Long, ScenarioResult> adaptive = new java.util.LinkedHashMap<>();
        speeds.forEach(mbit -> adaptive.put(mbit, new ScenarioResult("adaptive-" + mbit + "mbit")));
        ScenarioResult mixedResult = new ScenarioResult("mixed-100mbit");
        Generated sweepFile = speeds.isEmpty() ? null
                : BenchData.mixed(plan.seed() + 3, plan.sweepBytes(), staging.resolve("sweep-source.log"));
        Generated mixedFile = mixed
                ? BenchData.mixed(plan.seed(), plan.mixedBytes(), staging.resolve("mixed-100mbit-source.log")) : null;
        out.printf("bench: link scenarios %s; sweep file %s in %s chunks, settings %s and auto%n", names,
                sweepFile == null ? "—" : BenchReport.mib(sweepFile.bytes()), BenchReport.mib((long) plan.linkChunkBytes()), SWEEP);

        for (String setting : SWEEP) {
            if (speeds.isEmpty()) {
                break;
            }
            if (link.rateChangesLive()) {
                try (LinkedClient client = startLinked(link, system, clients, setting, speeds.get(0))) {
                    for (long mbit : speeds) {
                        sweepOnce(link, client, adaptive.get(mbit), setting, mbit, sweepFile, staging, api);
                    }
                }
            } else {
                for (long mbit : speeds) {
                    try (LinkedClient client = startLinked(link, system, clients, setting, mbit)) {
                        sweepOnce(link, client, adaptive.get(mbit), setting, mbit, sweepFile, staging, api);
                    }
                }
            }
        }
        List<Long> autoSpeeds = new ArrayList<>(speeds);
        if (mixed && !autoSpeeds.contains(100L)) {
            autoSpeeds.add(100L);
        }
        for (long mbit : autoSpeeds) {
            try (LinkedClient client = startLinked(link, system, clients, "auto", mbit)) {
                link.rate(mbit * MBIT);
                ScenarioResult sweep = adaptive.get(mbit);
                if (sweep != null) {
                    // auto as often as each fixed setting, the median run kept with the sweep beside it
                    List<ScenarioResult> runs = new ArrayList<>();
                    for (int i = 1; i <= repeats(mbit); i++) {
                        ScenarioResult run = new ScenarioResult(sweep.name);
                        timeLinked(run, client, mbit, copyOf(sweepFile, staging, sweep.name + "-auto-" + i + ".log"), api);
                        runs.add(run);
                    }
                    List<ScenarioResult> sorted = runs.stream().sorted(Comparator.comparingDouble(r -> r.systemSeconds)).toList();
                    ScenarioResult result = sorted.get(sorted.size() / 2);
                    result.sweep.putAll(sweep.sweep);
                    sweep.notes.forEach(result.notes::putIfAbsent);
                    if (runs.size() > 1) {
                        result.note("system_s", result.notes.get("system_s") + "; median of " + runs.size() + " runs: "
                                + runs.stream().map(r -> BenchReport.seconds(r.systemSeconds))
                                .collect(java.util.stream.Collectors.joining(", ")) + " s");
                    }
                    adaptive.put(mbit, result);
                    finishAdaptive(result);
                    if (mbit >= 1000) {
                        int level = result.level != null ? result.level : LEVEL;
                        Baselines.Floors floors = Baselines.cpuFloors(List.of(sweepFile.path()),
                                Runtime.getRuntime().availableProcessors(), level,
                                Files.createDirectories(clients.resolve("floors")), REPEATS);
                        result.clientFloorSeconds = floors.clientSeconds();
                        result.processorFloorSeconds = floors.processorSeconds();
                        result.floorLevel = level;
                        result.note("cpu_floor_s_per_gib", floors.reason() != null ? floors.reason()
                                : "zstd -" + level + " (auto's most used level) and zstd -d | sha256sum on the sweep file, "
                                + "user + system seconds, median of " + REPEATS);
                    }
                }
                if (mixed && mbit == 100L) {
                    timeLinked(mixedResult, client, mbit, copyOf(mixedFile, staging, "mixed-100mbit.log"), api);
                    linkedBaselines(mixedResult, link, system, mixedFile.path(), mbit, clients);
                }
            } catch (Exception e) {
                ScenarioResult failed = adaptive.getOrDefault(mbit, mixedResult);
                failed.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
                out.println("bench: auto at " + mbit + " Mbit/s failed: " + e.getMessage());
            }
        }
        List<ScenarioResult> results = new ArrayList<>();
        if (mixed) {
            results.add(mixedResult);
        }
        results.addAll(adaptive.values());
        return results;
    }

    private LinkedClient startLinked(LinkModel link, RunningSystem system, Path clients, String setting, long mbit)
            throws Exception {
        List<String> settings = new ArrayList<>();
        SETTINGS.stream().filter(s -> !s.startsWith("client.compression-level=") && !s.startsWith("client.chunk-bytes="))
                .forEach(settings::add);
        settings.addAll(List.of("client.compression-level=" + setting, "client.chunk-bytes=" + plan.linkChunkBytes(),
                "client.server-url=" + system.address("server"), "client.dev-user=dev"));
        settings.addAll(link.clientSettings(mbit * MBIT));
        out.printf("bench: starting a client behind the link, compression-level=%s%s%n", setting,
                link.rateChangesLive() ? "" : " at " + mbit + " Mbit/s");
        LinkedClient client = LinkedClient.start(plan.home(), system.data(), clients.resolve("client-" + setting),
                "client-" + setting + (link.rateChangesLive() ? "" : "-" + mbit + "mbit"), link, settings);
        // A fresh client's first file pays for its start (JIT, connections, first calls): that
        // would fall on whichever setting was timed first after a start, so every started client
        // sends one small file untimed first, on the link it is about to be timed on.
        try {
            link.rate(mbit * MBIT);
            Generated warmUp = BenchData.mixed(plan.seed() + 4, WARM_UP_BYTES,
                    clients.resolve("warm-up-" + setting + "-" + (++warmUps) + ".log"));
            runLargeFile(new ScenarioResult("warm-up"), warmUp, client.data(), client.log(), null);
        } catch (Exception | Error e) {
            client.close();
            throw e;
        }
        return client;
    }

    private Baselines.S3Remote remote;

    /**
     * The idle phase: a system of its own, with the processors' default polling (the operator's
     * setting, not the bench's short one), left without work for a minute (20 s with --quick)
     * after its start has settled; its API calls, DynamoDB requests and CPU over that window, then
     * the time one small file dropped into it takes to its result (how fast an idle fleet wakes).
     */
    private BenchReport.Idle runIdle(Path data, Path staging) {
        List<String> settings = SETTINGS.stream().filter(setting -> !setting.startsWith("processor.")).toList();
        List<String> defaults = List.of("processor.claim-interval-ms", "processor.idle-claim-max-interval-ms")
                .stream().map(name -> name + " default").toList();
        Duration window = Duration.ofSeconds(plan.quick() ? 20 : 60);
        try {
            deleteTree(data);
            Files.createDirectories(data);
            out.printf("bench: idle: starting a system at the processors' default polling, then %d s without work%n",
                    window.toSeconds());
            try (java.io.PrintWriter upOutput = new java.io.PrintWriter(Files.newBufferedWriter(
                    data.resolveSibling("pipeline-up-idle.log")), true);
                 RunningSystem idleSystem = RunningSystem.start(plan.home(), data, settings, upOutput::println)) {
                this.system = idleSystem;
                HttpClient http = HttpClient.newHttpClient();
                URI server = idleSystem.address("server");
                // the start's own work (sign-in, the first claims, the queue backfill) is not idling
                Thread.sleep(IDLE_SETTLE.toMillis());
                String before = IdleCost.scrape(http, server);
                Map<String, Double> cpuBefore = roleCpu();
                long start = System.nanoTime();
                Thread.sleep(window.toMillis());
                String after = IdleCost.scrape(http, server);
                Map<String, Double> cpuAfter = roleCpu();
                IdleCost.Measured measured = IdleCost.between(before, after, cpuBefore, cpuAfter,
                        (System.nanoTime() - start) / 1e9, idleSystem.processes("processor").size());
                Generated file = BenchData.smallFiles(plan.seed() + 7, 1, SMALL_FILE_BYTES, staging.resolve("wake"), "wake").get(0);
                double wake = dropAndAwait(List.of(file), Files.createDirectories(idleSystem.data().resolve("drop")),
                        Files.createDirectories(idleSystem.data().resolve("results"))).seconds();
                measured = measured.withWake(wake);
                out.printf("bench: idle: %s claims per processor per minute, %.0f DynamoDB reads per minute; a file then "
                        + "took %.2f s%n", measured.claimsPerProcessorPerMinute() == null ? "—"
                        : String.format(java.util.Locale.ROOT, "%.1f", measured.claimsPerProcessorPerMinute()),
                        measured.dynamoReadsPerMinute(), wake);
                List<String> described = new ArrayList<>(settings.stream().filter(s -> s.startsWith("client.")).toList());
                described.addAll(defaults);
                return new BenchReport.Idle(measured, described, null);
            } finally {
                this.system = null;
                deleteTree(data);
            }
        } catch (Exception e) {
            out.println("bench: idle: failed: " + e.getMessage());
            return BenchReport.Idle.notMeasured("failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Files already sent in the drop folder, for each run of the drop-folder phase. */
    static List<Integer> dropFolderSizes(boolean quick) {
        return quick ? List.of(1_000, 10_000) : List.of(1_000, 10_000, 100_000);
    }

    /** New files dropped beside the ones already sent, to time what one file costs at that folder size. */
    static final int DROP_FOLDER_NEW_FILES = 20;

    /**
     * Issue 15's drop-folder curve: for each size, a system of its own whose client finds that many
     * files in its drop folder, all sent before (the watcher's record lists them, as a client that
     * sent them keeps it); its CPU over a window without work, then the CPU and time of
     * {@value #DROP_FOLDER_NEW_FILES} new files. The client runs at its default polling
     * ({@code client.poll-ms}, {@code client.stable-ms}), as a person's does.
     */
    private List<BenchReport.DropFolder> runDropFolder(Path data, Path staging) {
        List<String> settings = SETTINGS.stream()
                .filter(setting -> !setting.startsWith("client.poll-ms=") && !setting.startsWith("client.stable-ms=")).toList();
        Duration window = Duration.ofSeconds(plan.quick() ? 15 : 30);
        List<BenchReport.DropFolder> measured = new ArrayList<>();
        for (int files : dropFolderSizes(plan.quick())) {
            try {
                deleteTree(data);
                Path drop = Files.createDirectories(data.resolve("drop"));
                out.printf("bench: drop-folder: %,d files sent before in the drop folder%n", files);
                seedSentFiles(drop, Files.createDirectories(data.resolve("state")).resolve("sent-files.txt"), files);
                try (java.io.PrintWriter upOutput = new java.io.PrintWriter(Files.newBufferedWriter(
                        data.resolveSibling("pipeline-up-drop-folder.log")), true);
                     RunningSystem folderSystem = RunningSystem.start(plan.home(), data, settings, upOutput::println)) {
                    this.system = folderSystem;
                    Thread.sleep(IDLE_SETTLE.toMillis());
                    Map<String, Double> before = roleCpu();
                    long start = System.nanoTime();
                    Thread.sleep(window.toMillis());
                    double seconds = (System.nanoTime() - start) / 1e9;
                    double idle = RoleCpu.spent(before, roleCpu()).getOrDefault("client", 0.0) * 60 / seconds;
                    List<Generated> fresh = BenchData.smallFiles(plan.seed() + 11, DROP_FOLDER_NEW_FILES, SMALL_FILE_BYTES,
                            staging.resolve("drop-folder-" + files), "new");
                    Map<String, Double> cpuBefore = roleCpu();
                    Dropped dropped = dropAndAwait(fresh, drop, Files.createDirectories(data.resolve("results")));
                    double perFile = RoleCpu.spent(cpuBefore, roleCpu()).getOrDefault("client", 0.0) * 1000 / fresh.size();
                    BenchReport.DropFolder figures = new BenchReport.DropFolder(files, idle, perFile,
                            fresh.size() / dropped.seconds(), null);
                    measured.add(figures);
                    out.printf(java.util.Locale.ROOT, "bench: drop-folder: %,d files: the idle client spends %.2f CPU s a "
                            + "minute; %d new files took %.2f s, %.1f ms of client CPU each%n", files, idle, fresh.size(),
                            dropped.seconds(), perFile);
                } finally {
                    this.system = null;
                    deleteTree(data);
                }
            } catch (Exception e) {
                out.println("bench: drop-folder: " + files + " files: failed: " + e.getMessage());
                measured.add(new BenchReport.DropFolder(files, null, null, null,
                        "failed: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
        }
        return measured;
    }

    /**
     * {@code files} files of 4 KiB in the drop folder and the watcher's record of them as the client
     * keeps it once they were sent ({@code NAME-SIZE-MODIFIEDMILLIS}, one a line): the client starts
     * with a folder it has sent, without sending it first (a hundred thousand files would take hours).
     */
    static void seedSentFiles(Path drop, Path record, int files) throws IOException {
        byte[] content = new byte[SMALL_FILE_BYTES];
        new java.util.Random(files).nextBytes(content);
        StringBuilder keys = new StringBuilder(files * 40);
        for (int i = 0; i < files; i++) {
            Path file = drop.resolve(String.format(java.util.Locale.ROOT, "sent-%06d.bin", i));
            Files.write(file, content);
            keys.append(file.getFileName()).append('-').append(SMALL_FILE_BYTES).append('-')
                    .append(Files.getLastModifiedTime(file).toMillis()).append('\n');
        }
        Files.writeString(record, keys);
    }

    /** How long the idle system runs before its window opens: its start's own requests are over by then. */
    static final Duration IDLE_SETTLE = Duration.ofSeconds(10);

    /** CPU seconds per role of the system under test so far; empty before it runs. */
    private Map<String, Double> roleCpu() {
        return system == null ? Map.of() : RoleCpu.byRole(system.processes(), dev.fileanalysis.cli.RoleProcess::roleOf);
    }

    /** {@code client.stable-ms} of the bench's settings, in seconds. */
    static double stableSeconds() {
        return SETTINGS.stream().filter(setting -> setting.startsWith("client.stable-ms=")).findFirst()
                .map(setting -> Long.parseLong(setting.substring("client.stable-ms=".length())) / 1000.0).orElseThrow();
    }

    /** The untimed file each client behind the link sends first. */
    static final long WARM_UP_BYTES = 512 * 1024;
    private int warmUps;

    /**
     * Runs of each sweep setting (and of auto) at a link speed: three at 1000 Mbit/s, where one run
     * takes a second or two and a single GC or disk flush would decide the comparison; one on the
     * slower links, where a run takes up to minutes and such noise is small beside it.
     */
    static int repeats(long mbit) {
        return mbit >= 1000 ? REPEATS : 1;
    }

    /** One fixed setting on one link speed: its delivery time (median of its runs) goes into that speed's sweep. */
    private void sweepOnce(LinkModel link, LinkedClient client, ScenarioResult adaptive, String setting, long mbit,
                           Generated file, Path staging, ServerApiClient api) {
        try {
            link.rate(mbit * MBIT);
            List<Double> times = new ArrayList<>();
            for (int i = 1; i <= repeats(mbit); i++) {
                ScenarioResult run = new ScenarioResult(adaptive.name + "/" + setting);
                timeLinked(run, client, mbit, copyOf(file, staging, run.name.replace('/', '-') + "-" + i + ".log"), api);
                times.add(run.systemSeconds);
            }
            List<Double> sorted = times.stream().sorted().toList();
            adaptive.sweep.put(setting, sorted.get(sorted.size() / 2));
            if (times.size() > 1) {
                adaptive.note("sweep " + setting, "median of " + times.stream().map(BenchReport::seconds)
                        .collect(java.util.stream.Collectors.joining(", ")) + " s");
            }
        } catch (Exception e) {
            adaptive.sweep.put(setting, null);
            adaptive.note("sweep " + setting, "failed: " + e.getMessage());
            out.println("bench: " + adaptive.name + "/" + setting + " failed: " + e.getMessage());
        }
    }

    private void timeLinked(ScenarioResult result, LinkedClient client, long mbit, Generated file, ServerApiClient api)
            throws Exception {
        runLargeFile(result, file, client.data(), client.log(), api);
        result.linkBitsPerSecond = mbit * MBIT;
        // Issue 4's physical limit: the bytes actually sent, at the link's rate.
        result.notes.remove("physical_limit_s");
        if (result.wireBytes != null) {
            result.physicalLimitSeconds = result.wireBytes * 8.0 / result.linkBitsPerSecond;
            result.note("physical_limit_s", "the bytes on the wire (wire_bytes) at the link's rate; the uncompressed file would take "
                    + String.format(java.util.Locale.ROOT, "%.2f s", file.bytes() * 8.0 / result.linkBitsPerSecond));
        } else {
            result.physicalLimitSeconds = null;
            result.note("physical_limit_s", "not measured: the bytes on the wire are unknown (see wire_bytes)");
        }
        result.note("system_s", "sent by a client behind the link that had already sent one untimed "
                + WARM_UP_BYTES / 1024 + " KiB file since it started (a fresh client's first file pays for its start)");
        if (result.encodings != null) {
            result.note("level", "chunks sent: " + result.encodings);
        }
    }

    /**
     * The plain upload and the sequential design at the same link speed: one PutObject of the raw
     * file from a process behind the link ({@link LinkedPlainUpload}), then, for the sequential
     * design, the download and hash on the system's side (processors are not behind the user's
     * link). Measured once: at 100 Mbit/s the raw upload alone takes most of a minute.
     */
    private void linkedBaselines(ScenarioResult result, LinkModel link, RunningSystem system, Path file, long mbit,
                                 Path scratch) {
        if (!link.rateChangesLive()) {
            String why = "not measured: without a network namespace the link is the client's own bandwidth limit, "
                    + "which a plain SDK upload does not have";
            result.note("plain_upload_s", why);
            result.note("sequential_raw_s", why);
            return;
        }
        String key = "bench/linked-plain/" + file.getFileName();
        try {
            link.rate(mbit * MBIT);
            out.printf("bench: %s: plain upload of the raw file behind the link%n", result.name);
            List<String> command = new ArrayList<>(link.commandPrefix());
            command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), LinkedPlainUpload.class.getName(),
                    system.data().resolve("devstack.properties").toString(), key, file.toString()));
            // Its output goes to a file, so that the wait below can time out (reading a pipe would not).
            Path output = Files.createDirectories(scratch).resolve("linked-plain-upload.log");
            Process upload = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            boolean ended = upload.waitFor(10, TimeUnit.MINUTES);
            if (!ended) {
                upload.destroyForcibly();
            }
            String printed = Files.readString(output, StandardCharsets.UTF_8);
            if (!ended || upload.exitValue() != 0 || !printed.contains("seconds=")) {
                throw new IOException("the plain upload behind the link " + (ended ? "failed" : "took over 10 minutes")
                        + ": " + printed.trim());
            }
            String value = printed.substring(printed.lastIndexOf("seconds=") + "seconds=".length()).trim().split("\\s+")[0];
            result.plainUploadSeconds = Double.parseDouble(value);
            result.note("plain_upload_s", "one PutObject of the raw file with the AWS SDK v2 from a process behind the "
                    + "same link as the client, measured once");
            Settings settings = Settings.of(toMap(system.devstack()));
            try (S3Client s3 = new AwsClients(settings).s3()) {
                Baselines.Measured rest = new Baselines(s3, settings.require("s3.bucket"), Files.createDirectories(scratch))
                        .downloadAndHash(key, file);
                result.sequentialRawSeconds = result.plainUploadSeconds + rest.seconds();
                result.note("sequential_raw_s", String.format(java.util.Locale.ROOT, "the plain upload behind the link "
                        + "(%.2f s), then GetObject and SHA-256 on the system's side (%.2f s), as processors are not behind "
                        + "the user's link; measured once", result.plainUploadSeconds, rest.seconds()));
            }
            out.printf("bench: %s: plain upload %s s, sequential %s s%n", result.name,
                    BenchReport.seconds(result.plainUploadSeconds), BenchReport.seconds(result.sequentialRawSeconds));
        } catch (Exception e) {
            result.note("plain_upload_s", "not measured: " + e.getMessage());
            if (result.sequentialRawSeconds == null) {
                result.note("sequential_raw_s", "not measured: " + e.getMessage());
            }
            out.println("bench: " + result.name + ": linked baselines failed: " + e.getMessage());
        }
    }

    /** best_fixed_s: the fastest fixed setting of the sweep (uncompressed included); a failed one counts as not run. */
    private static void finishAdaptive(ScenarioResult result) {
        result.sweep.entrySet().stream().filter(entry -> entry.getValue() != null).min(Map.Entry.comparingByValue())
                .ifPresent(best -> {
                    result.bestFixedSeconds = best.getValue();
                    result.bestFixed = best.getKey();
                });
        result.note("best_fixed_s", result.bestFixed == null ? "no fixed setting of the sweep finished"
                : "fastest of the sweep " + SWEEP + " on the same file and link: " + result.bestFixed);
        result.note("plain_upload_s", "not measured: the plain-upload baseline runs from the bench's own process, "
                + "which is not behind the link");
        result.note("zstd_cli_s", "not run for the link scenarios");
    }

    /** A fresh copy under a new name (the client sends a file it has seen before only once); not timed. */
    private static Generated copyOf(Generated file, Path staging, String name) throws IOException {
        Path copy = staging.resolve(name);
        Files.copy(file.path(), copy, StandardCopyOption.REPLACE_EXISTING);
        return new Generated(copy, file.bytes(), file.sha256(), file.composition());
    }

    /**
     * A file far larger than the client's and processors' heaps (each JVM runs at -Xmx256m under
     * {@code pipeline up}) goes through the whole system; the kernel's peak resident set size of the
     * client and of the processors is reported. The peaks are reset just before the drop (as root,
     * through /proc/PID/clear_refs), so they are this file's, not an earlier scenario's.
     */
    private void runBigStream(ScenarioResult result, RunningSystem system, Path staging, ClientLog log, ServerApiClient api)
            throws Exception {
        long bytes = plan.bigStreamBytes();
        // The file itself, plus its compressed chunks in storage until the job is done.
        long needed = bytes + bytes / 2;
        long usable = Files.getFileStore(staging).getUsableSpace();
        if (usable < needed) {
            result.status = ScenarioResult.Status.NOT_RUN;
            result.reason = "needs " + BenchReport.mib(needed) + " of free disk for the stream and its chunks; "
                    + BenchReport.mib(usable) + " is free";
            out.println("bench: big-stream: " + result.reason);
            return;
        }
        out.printf("bench: big-stream: generating %s%n", BenchReport.mib(bytes));
        Generated file = BenchData.mixed(plan.seed() + 6, bytes, staging.resolve("big-stream-" + plan.seed() + "-"
                + (bytes >> 20) + "MiB.log"));
        List<ProcessHandle> clients = system.processes("client");
        List<ProcessHandle> processors = system.processes("processor");
        boolean reset = PeakMemory.reset(clients) & PeakMemory.reset(processors);
        Path dropped = runLargeFile(result, file, system.data(), log, api);
        try {
            result.peakRssClientBytes = boxed(PeakMemory.peak(clients));
            result.peakRssProcessorBytes = boxed(PeakMemory.peak(processors));
            String how = "VmHWM of /proc/PID/status, the kernel's own peak; " + (reset
                    ? "reset just before the drop"
                    : "could not be reset (not root?), so it is the peak since the process started");
            result.note("peak_rss_client_bytes", how + "; the client JVM runs at -Xmx256m");
            result.note("peak_rss_processor_bytes", how + "; the larger of the " + processors.size()
                    + " processors, each at -Xmx256m");
            String why = "not run for big-stream: it shows that a stream far larger than memory goes through with "
                    + "bounded memory; the other scenarios measure speed against the baselines";
            for (String baseline : List.of("plain_upload_s", "sequential_raw_s", "zstd_cli_s")) {
                result.note(baseline, why);
            }
            out.printf("bench: big-stream: peak RSS client %s, processor %s%n", BenchReport.mib(result.peakRssClientBytes),
                    BenchReport.mib(result.peakRssProcessorBytes));
        } finally {
            Files.deleteIfExists(dropped);
        }
    }

    private static Long boxed(java.util.OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
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

        Map<String, Double> cpuBefore = roleCpu();
        long start = System.nanoTime();
        Files.move(file.path(), drop, StandardCopyOption.ATOMIC_MOVE);
        String job = null;
        boolean polling = true;
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
            if (job != null && api != null && polling && now - lastPoll > (result.firstByteSeconds == null ? 40_000_000L : 200_000_000L)) {
                lastPoll = now;
                Job state;
                try {
                    state = api.job(job);
                } catch (java.io.IOException refused) {
                    // e.g. a client of another organisation: the drop-to-result time is still measured
                    polling = false;
                    result.note("first_byte_s", "the job could not be read with the bench's session: " + refused.getMessage());
                    continue;
                }
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
                result.cpuSeconds.putAll(RoleCpu.spent(cpuBefore, roleCpu()));
                check(answer.get(), name, file.sha256());
                break;
            }
            Thread.sleep(10);
        }
        result.stableSeconds = stableSeconds();
        noteCpu(result);
        if (result.firstByteSeconds == null) {
            result.note("first_byte_s", "the job's 'analysed' count was never seen at 1 or more before the result "
                    + "(polled every 40 ms); the job finished between two polls");
        }
        log.refresh();
        fillFromLog(result, List.of(name), log);
        String jobOfFile = log.job(name);
        if (jobOfFile != null) {
            result.encodings = log.encodings(jobOfFile);
            result.level = log.mostUsedLevel(jobOfFile);
        }
        out.printf("bench: %s: result after %.2f s (first byte %s s)%n", result.name, result.systemSeconds,
                BenchReport.seconds(result.firstByteSeconds));
        return drop;
    }

    /**
     * Before the first large file: a freshly started system spends its first seconds compiling its
     * hot paths in five JVMs on the same cores (in a cold run chunks were read three times slower
     * at first than by the end of the same file), while a system users run stays up for days. Two
     * files (mixed and random, so both compressed and stored chunks) go through first, not counted;
     * their time is in the first large scenario's notes.
     */
    private void warmUpLarge(ScenarioResult first, List<Generated> files, Path data) throws Exception {
        long bytes = files.stream().mapToLong(Generated::bytes).sum();
        out.printf("bench: warm-up with %d files, %s in all (not counted)%n", files.size(), BenchReport.mib(bytes));
        double seconds = dropAndAwait(files, Files.createDirectories(data.resolve("drop")),
                Files.createDirectories(data.resolve("results"))).seconds();
        first.note("warm_up", String.format(java.util.Locale.ROOT, "measured after a warm-up of %d files (%s, mixed and "
                + "random) into the freshly started system, not counted (their results took %.2f s)", files.size(),
                BenchReport.mib(bytes), seconds));
    }

    /** Drops many small files at once; files/s is their count over the time to the last result. */
    private List<Path> runSmallFiles(ScenarioResult result, List<Generated> warmUp, List<Generated> files,
                                     RunningSystem system, ClientLog log) throws Exception {
        Path data = system.data();
        Path drop = Files.createDirectories(data.resolve("drop"));
        Path results = Files.createDirectories(data.resolve("results"));
        // A freshly started system spends its first minute compiling its hot paths (on 2 cores the
        // JIT takes a third of the CPU then); a system users run stays up for days. The warm-up
        // files are not counted; their rate is reported beside the measured one.
        out.printf("bench: small-files: warm-up with %d files of %d bytes (not counted)%n", warmUp.size(), SMALL_FILE_BYTES);
        double warmUpSeconds = dropAndAwait(warmUp, drop, results).seconds();
        out.printf("bench: small-files: dropping %d files of %d bytes%n", files.size(), SMALL_FILE_BYTES);
        result.files = files.size();
        result.fileBytes = files.stream().mapToLong(Generated::bytes).sum();
        result.note("first_byte_s", "not defined for many small files");
        result.note("physical_limit_s", "no link model: unlimited loopback has no link rate to divide by");
        HttpClient http = HttpClient.newHttpClient();
        String metricsBefore = IdleCost.scrape(http, system.address("server"));
        Map<String, Double> cpuBefore = roleCpu();
        Dropped dropped = dropAndAwait(files, drop, results);
        result.cpuSeconds.putAll(RoleCpu.spent(cpuBefore, roleCpu()));
        result.requestsPerFile.putAll(IdleCost.perFile(metricsBefore, IdleCost.scrape(http, system.address("server")),
                files.size()));
        noteCpu(result);
        result.systemSeconds = dropped.seconds();
        result.filesPerSecond = files.size() / result.systemSeconds;
        result.note("files_per_s", String.format(java.util.Locale.ROOT, "measured after a warm-up of %d files of the same "
                + "size into the freshly started system, not counted (they went at %.1f files/s)", warmUp.size(),
                warmUp.size() / warmUpSeconds));
        log.refresh();
        fillFromLog(result, dropped.paths().stream().map(path -> path.getFileName().toString()).toList(), log);
        out.printf("bench: small-files: %d results after %.2f s (%.1f files/s)%n", files.size(), result.systemSeconds,
                result.filesPerSecond);
        return dropped.paths();
    }

    private static void noteCpu(ScenarioResult result) {
        if (!result.cpuSeconds.isEmpty()) {
            result.note("cpu_s_per_gib", "user + system seconds from /proc/PID/stat of each role's processes (summed over "
                    + "both processors; devstack is the storage and sign-in emulators with dynalite), from the drop to the "
                    + "last result, over the GiB dropped; every process shares the same cores, idle polling included");
        }
    }

    private record Dropped(List<Path> paths, double seconds) {
    }

    /**
     * Moves the files into the drop folder at once and waits for every result, checking each
     * names the file's SHA-256. The results folder is listed once per look (not each file tried),
     * so that the waiting costs the system under test next to no CPU.
     */
    private static Dropped dropAndAwait(List<Generated> files, Path drop, Path results) throws Exception {
        Duration timeout = Duration.ofSeconds(120 + files.size());
        List<Path> dropped = new ArrayList<>();
        long start = System.nanoTime();
        for (Generated file : files) {
            Path target = drop.resolve(file.path().getFileName());
            Files.move(file.path(), target, StandardCopyOption.ATOMIC_MOVE);
            dropped.add(target);
        }
        Map<String, Generated> waiting = new HashMap<>();
        files.forEach(file -> waiting.put(file.path().getFileName().toString() + ".json", file));
        while (!waiting.isEmpty()) {
            if (System.nanoTime() - start > timeout.toNanos()) {
                throw new IllegalStateException(waiting.size() + " of " + files.size() + " small files had no result within "
                        + timeout.toSeconds() + " s");
            }
            List<String> present;
            try (var listing = Files.list(results)) {
                present = listing.map(path -> path.getFileName().toString()).filter(waiting::containsKey).toList();
            }
            for (String resultName : present) {
                Optional<JsonNode> answer = readResult(results.resolve(resultName));
                if (answer.isPresent()) {
                    String name = resultName.substring(0, resultName.length() - ".json".length());
                    check(answer.get(), name, waiting.remove(resultName).sha256());
                }
            }
            Thread.sleep(20);
        }
        return new Dropped(dropped, (System.nanoTime() - start) / 1e9);
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
        int level = result.level != null ? result.level : LEVEL;
        Baselines.Floors floors = Baselines.cpuFloors(files, threads, level, baselines.scratch(), REPEATS);
        result.clientFloorSeconds = floors.clientSeconds();
        result.processorFloorSeconds = floors.processorSeconds();
        result.floorLevel = floors.level();
        result.note("cpu_floor_s_per_gib", floors.reason() != null ? floors.reason()
                : "user + system seconds of the tools on the same bytes, median of " + REPEATS + ": client = zstd -T" + threads
                + " -" + level + " (" + (result.level != null ? "the level the client mostly used" : "the client sent no "
                + "chunk compressed, so the default level " + LEVEL) + "); processor = zstd -d of that output piped to "
                + "sha256sum, the processor's and the engine's work together");
        if (remote != null) {
            Baselines.Measured rclone = baselines.rclone(files, prefix + "rclone/", remote);
            result.rcloneSeconds = rclone.seconds();
            result.note("rclone_s", rclone.reason() != null ? rclone.reason()
                    : "rclone copy with its defaults (4 transfers; only the Content-Type set to application/octet-stream, "
                    + "which s3proxy needs) of the same " + (files.size() == 1 ? "file" : files.size()
                    + " files") + " to the same s3proxy, upload only; measured once");
        }
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
