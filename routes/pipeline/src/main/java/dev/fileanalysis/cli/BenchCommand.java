package dev.fileanalysis.cli;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.fileanalysis.bench.Bench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./pipeline bench [--quick]}: the benchmark of issue 4 on the embedded stack. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measures drop-to-result times on the embedded stack against baselines run in the "
        + "same invocation (zstd CLI, plain S3 upload, sequential upload-download-hash); writes bench.json, bench.md and charts.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "Smaller files (64 MiB mixed, 32 MiB random, 300 small files, a 1 GiB stream "
            + "instead of 20 GiB, a 16 MiB file for the level sweep in 1 MiB chunks, drop folders of 1,000 and 10,000 files): about ten minutes on 2 cores.")
    boolean quick;

    @Option(names = "--seed", description = "Seed of the generated data (default: ${DEFAULT-VALUE}).", defaultValue = "42")
    long seed;

    @Option(names = "--dir", description = "Folder for data, the system's files and the report (default: ${DEFAULT-VALUE}).",
            defaultValue = "bench")
    Path dir;

    @Option(names = "--scenarios", split = ",", description = "Scenarios to run (default: all runnable: ${DEFAULT-VALUE}).",
            defaultValue = "mixed-loopback,random-loopback,small-files,big-stream,mixed-100mbit,adaptive-10mbit,adaptive-100mbit,adaptive-1000mbit,idle,drop-folder")
    List<String> scenarios;

    @Override
    public Integer call() throws Exception {
        Set<String> chosen = new LinkedHashSet<>(scenarios);
        for (String name : chosen) {
            if (!Bench.RUNNABLE.contains(name)) {
                System.err.println("Unknown scenario '" + name + "': choose from " + Bench.RUNNABLE + ".");
                return 2;
            }
        }
        Path home = Path.of(System.getProperty("pipeline.home", ".")).toAbsolutePath().normalize();
        new Bench(new Bench.Plan(home, dir, seed, quick, chosen, System.out)).run();
        return 0;
    }
}
