package dev.fileanalysis.soak;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.cli.RunningSystem;

/**
 * Fault injection on the real system: drops seeded files into the running pipeline while it
 * kill -9's a seeded choice of role processes (client, server, processor, engine) at seeded
 * moments, lets `pipeline up` restart them, then checks that every file got exactly one correct
 * result. Everything random comes from the seed, so a failure is replayed with the same seed.
 */
public final class Soak {

    /** What the soak is asked to do. */
    public record Plan(Path home, Path data, long seed, Duration duration, Duration settle, List<String> roles,
                       Duration meanTimeBetweenKills, int filesPerBatch) {
    }

    /** What it did and found. */
    public record Report(long seed, List<String> injected, int files, List<String> problems, Duration elapsed) {
        public boolean passed() {
            return problems.isEmpty();
        }
    }

    /** Settings that make recovery happen within a soak: short leases, a quick sweep, fast polling. */
    static final List<String> PROPERTIES = List.of(
            "server.claim-lease-seconds=5", "processor.lease-renew-ms=1000", "processor.claim-interval-ms=100",
            "client.stable-ms=300", "client.poll-ms=100", "client.result-poll-ms=250", "client.chunk-bytes=1048576",
            "server.sweep-interval-ms=2000", "processor.engine-attempts=5");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Plan plan;
    private final PrintStream out;

    public Soak(Plan plan, PrintStream out) {
        this.plan = plan;
        this.out = out;
    }

    public Report run() throws Exception {
        long started = System.nanoTime();
        SplittableRandom random = new SplittableRandom(plan.seed());
        out.printf("soak: seed %d, %s of injection over roles %s%n", plan.seed(), plan.duration(), plan.roles());
        List<String> injected = new ArrayList<>();
        Map<String, String> expected = new LinkedHashMap<>();
        Files.createDirectories(plan.data());
        try (RunningSystem system = RunningSystem.start(plan.home(), plan.data(), PROPERTIES, line -> out.println("  | " + line))) {
            Path drop = plan.data().resolve("drop");
            Path staging = Files.createDirectories(plan.data().resolve("soak-staging"));
            long end = System.nanoTime() + plan.duration().toNanos();
            long nextKill = System.nanoTime() + wait(random);
            int fileIndex = 0;
            while (System.nanoTime() < end) {
                for (int i = 0; i < plan.filesPerBatch(); i++, fileIndex++) {
                    byte[] content = SoakFiles.content(plan.seed(), fileIndex);
                    String name = String.format("soak-%05d.bin", fileIndex);
                    Path staged = Files.write(staging.resolve(name), content);
                    Files.move(staged, drop.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                    expected.put(name, SoakFiles.sha256(content));
                }
                if (System.nanoTime() >= nextKill) {
                    String event = killOne(system, random);
                    if (event != null) {
                        injected.add(event);
                        out.println("soak: " + event);
                    }
                    nextKill = System.nanoTime() + wait(random);
                }
                Thread.sleep(500 + random.nextInt(1000));
            }
            out.printf("soak: %d files dropped, %d faults injected; waiting up to %s for results%n",
                    expected.size(), injected.size(), plan.settle());
            List<String> problems = awaitResults(expected);
            problems.addAll(chunksSentTwice());
            Report report = new Report(plan.seed(), injected, expected.size(), problems,
                    Duration.ofNanos(System.nanoTime() - started));
            out.println(summary(report));
            return report;
        }
    }

    private long wait(SplittableRandom random) {
        long mean = plan.meanTimeBetweenKills().toNanos();
        return mean / 2 + (long) (random.nextDouble() * mean);
    }

    /** Roles still to be hit in this round: every role is killed once before any is killed twice. */
    private final List<String> deck = new ArrayList<>();

    private String nextRole(SplittableRandom random) {
        if (deck.isEmpty()) {
            deck.addAll(plan.roles());
            for (int i = deck.size() - 1; i > 0; i--) {
                java.util.Collections.swap(deck, i, random.nextInt(i + 1));
            }
        }
        return deck.remove(deck.size() - 1);
    }

    /** Kills one process of a seeded role; waits for `pipeline up` to report it restarted. */
    private String killOne(RunningSystem system, SplittableRandom random) throws InterruptedException {
        String role = nextRole(random);
        List<ProcessHandle> candidates = system.processes(role);
        if (candidates.isEmpty()) {
            return null;
        }
        ProcessHandle victim = candidates.get(random.nextInt(candidates.size()));
        long restartsBefore = system.countOutput(" restarted");
        String event = Instant.now() + " kill -9 " + role + " (pid " + victim.pid() + ")";
        victim.destroyForcibly();
        boolean back = system.awaitOutput(" restarted", restartsBefore + 1, Duration.ofMinutes(2));
        return event + (back ? ", restarted" : ", NOT restarted within 2 min");
    }

    private List<String> awaitResults(Map<String, String> expected) throws InterruptedException, IOException {
        Path results = plan.data().resolve("results");
        long deadline = System.nanoTime() + plan.settle().toNanos();
        while (System.nanoTime() < deadline && !allPresent(results, expected)) {
            Thread.sleep(500);
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> file : expected.entrySet()) {
            Path result = results.resolve(file.getKey() + ".json");
            if (!Files.exists(result)) {
                problems.add(file.getKey() + ": no result");
                continue;
            }
            JsonNode json = JSON.readTree(result.toFile());
            if (!"DONE".equals(json.path("status").asText())) {
                problems.add(file.getKey() + ": " + json.path("status").asText() + " " + json.path("error").asText());
            } else if (!file.getValue().equals(json.path("result").path("sha256").asText())) {
                problems.add(file.getKey() + ": wrong sha256 " + json.path("result").path("sha256").asText());
            }
            if (Files.exists(results.resolve(file.getKey() + " (2).json"))) {
                problems.add(file.getKey() + ": more than one result");
            }
        }
        return problems;
    }

    /**
     * Chunks the client logged as landed more than once. The client logs a chunk as landed only
     * after recording it in its journal, so after a restart it must never send such a chunk again
     * (the one in flight at a kill was not logged yet, and may be sent again).
     */
    private List<String> chunksSentTwice() throws IOException {
        Path log = plan.data().resolve("logs").resolve("client.log");
        List<String> problems = new ArrayList<>();
        if (!Files.exists(log)) {
            return problems;
        }
        Map<String, Integer> landings = new LinkedHashMap<>();
        java.util.regex.Matcher matcher = LANDED.matcher(Files.readString(log));
        while (matcher.find()) {
            landings.merge(matcher.group(2) + " chunk " + matcher.group(1), 1, Integer::sum);
        }
        landings.forEach((chunk, count) -> {
            if (count > 1) {
                problems.add(chunk + " was uploaded " + count + " times");
            }
        });
        return problems;
    }

    private static final java.util.regex.Pattern LANDED = java.util.regex.Pattern.compile("chunk (\\d+) of (job-[0-9a-f-]{36}) landed");

    private static boolean allPresent(Path results, Map<String, String> expected) {
        return expected.keySet().stream().allMatch(name -> Files.exists(results.resolve(name + ".json")));
    }

    static String summary(Report report) {
        StringBuilder text = new StringBuilder();
        text.append("soak ").append(report.passed() ? "PASSED" : "FAILED").append(": seed ").append(report.seed())
                .append(", ").append(report.files()).append(" files, ").append(report.injected().size())
                .append(" faults injected, ").append(report.elapsed().toSeconds()).append(" s\n");
        text.append("injected:\n");
        report.injected().forEach(event -> text.append("  ").append(event).append('\n'));
        text.append("found:\n");
        if (report.problems().isEmpty()) {
            text.append("  every file has exactly one correct result\n");
        }
        report.problems().forEach(problem -> text.append("  ").append(problem).append('\n'));
        if (!report.passed()) {
            text.append("replay with: ./pipeline soak --seed ").append(report.seed()).append('\n');
        }
        return text.toString();
    }
}
