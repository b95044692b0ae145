package dev.fileanalysis.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.fileanalysis.soak.Soak;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short fault-injection run of CI: one minute of files while client, server, processor and
 * engine are killed with kill -9 at seeded moments. `./pipeline soak --minutes N` is the long one.
 * CI uses a fixed seed, so that a red run replays exactly with the same command; -Dsoak.seed=N
 * runs another one (the seed is in every failure message), and the on-demand soak picks a random
 * seed to explore.
 */
class SoakIT {

    @TempDir
    Path data;

    @Test
    void everyFileGetsExactlyOneCorrectResultWhileProcessesAreKilled() throws Exception {
        long seed = Long.getLong("soak.seed", 7L);
        Soak.Plan plan = new Soak.Plan(RunningPipeline.home(), data, seed, Duration.ofSeconds(60), Duration.ofMinutes(4),
                List.of("client", "server", "processor", "engine"), Duration.ofSeconds(12), 2);
        Soak.Report report = new Soak(plan, System.out).run();
        assertThat(report.injected()).as("faults injected (seed " + seed + ")").isNotEmpty();
        assertThat(report.problems()).as("problems found (replay with -Dsoak.seed=" + seed + ")").isEmpty();
    }
}
