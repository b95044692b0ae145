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
 * Set -Dsoak.seed=N to replay a run; the seed is in the failure message.
 */
class SoakIT {

    @TempDir
    Path data;

    @Test
    void everyFileGetsExactlyOneCorrectResultWhileProcessesAreKilled() throws Exception {
        long seed = Long.getLong("soak.seed", System.nanoTime());
        Soak.Plan plan = new Soak.Plan(RunningPipeline.home(), data, seed, Duration.ofSeconds(60), Duration.ofMinutes(4),
                List.of("client", "server", "processor", "engine"), Duration.ofSeconds(12), 2);
        Soak.Report report = new Soak(plan, System.out).run();
        assertThat(report.injected()).as("faults injected (seed " + seed + ")").isNotEmpty();
        assertThat(report.problems()).as("problems found (replay with -Dsoak.seed=" + seed + ")").isEmpty();
    }
}
