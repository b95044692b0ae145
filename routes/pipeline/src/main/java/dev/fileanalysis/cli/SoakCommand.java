package dev.fileanalysis.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

import dev.fileanalysis.soak.Soak;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Long-running fault injection on demand: {@code ./pipeline soak --minutes N}. */
@Command(name = "soak", mixinStandardHelpOptions = true, description = "Runs the whole system while killing its processes at random (seeded), then checks every file got exactly one correct result.")
public final class SoakCommand implements Callable<Integer> {

    @Option(names = "--minutes", description = "How long to inject faults (default: ${DEFAULT-VALUE}).", defaultValue = "10")
    double minutes;

    @Option(names = "--seed", description = "Seed of every random choice; the same seed replays the same run (default: random, printed).")
    Long seed;

    @Option(names = "--data", description = "Data folder for the run (default: a new folder under the system temp folder).")
    Path data;

    @Option(names = "--roles", split = ",", description = "Roles to kill (default: ${DEFAULT-VALUE}).",
            defaultValue = "client,server,processor,engine")
    List<String> roles;

    @Option(names = "--kill-every-seconds", description = "Mean time between two kills (default: ${DEFAULT-VALUE}).", defaultValue = "20")
    double killEverySeconds;

    @Override
    public Integer call() throws Exception {
        long chosenSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        Path folder = data != null ? data : Files.createTempDirectory("pipeline-soak-");
        Path home = Path.of(System.getProperty("pipeline.home", ".")).toAbsolutePath().normalize();
        Soak.Plan plan = new Soak.Plan(home, folder.toAbsolutePath(), chosenSeed,
                Duration.ofMillis((long) (minutes * 60_000)), Duration.ofMinutes(5), roles,
                Duration.ofMillis((long) (killEverySeconds * 1000)), 2);
        Soak.Report report = new Soak(plan, System.out).run();
        System.out.println("data and logs: " + folder);
        return report.passed() ? 0 : 1;
    }
}
