package dev.fileanalysis.client.chunk;

import com.github.luben.zstd.Zstd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

class ChunkPipelineBoundedMemoryTest {

    private static final long TOTAL = (3L << 30) + 1;
    private static final int CHUNK = 4 << 20;

    @TempDir
    Path dir;

    @Test
    void threeGibibyteStreamRoundTripsInA64MebibyteHeap() throws Exception {
        // A separate JVM, so the heap limit is the pipeline's alone and not the test runner's.
        Path output = dir.resolve("round-trip.log");
        Process process = new ProcessBuilder(
                javaBinary(), "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", classPath(),
                LargeStreamRoundTrip.class.getName(), Long.toString(TOTAL), Integer.toString(CHUNK))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();

        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            fail("the round trip took more than 10 minutes:%n%s", Files.readString(output, StandardCharsets.UTF_8));
        }

        String log = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("exit status; output:%n%s", log).isZero();
        assertThat(log).contains("ok chunks=" + (TOTAL / CHUNK + 1) + " bytes=" + TOTAL + "\n");
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * The test JVM's class path, plus where the classes the child needs were actually loaded from,
     * in case the runner hides its class path behind a manifest-only jar.
     */
    private static String classPath() throws URISyntaxException {
        Set<String> entries = new LinkedHashSet<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        for (Class<?> needed : List.of(LargeStreamRoundTrip.class, ChunkPipeline.class, Zstd.class)) {
            entries.add(Path.of(needed.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        entries.remove("");
        return String.join(File.pathSeparator, entries);
    }
}
