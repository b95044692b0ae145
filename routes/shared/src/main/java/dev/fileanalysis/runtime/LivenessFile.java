package dev.fileanalysis.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file whose age tells a container's health check that a role is alive: rewritten every few
 * seconds while the role's routes are running, and deleted when the role stops. The processor and
 * the client listen on no port a health check could call, so {@code pipeline.liveness-file} (env
 * {@code PIPELINE_LIVENESS_FILE}) names this file instead, and the image's HEALTHCHECK fails once
 * the file is older than a few intervals (a hung JVM, stopped routes) or gone (a stopped role).
 */
public final class LivenessFile implements AutoCloseable {

    /** The runner's setting; empty means no liveness file. */
    public static final String SETTING = "pipeline.liveness-file";

    /** How often the file is rewritten; the images' health checks allow several of these to pass. */
    public static final Duration INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(LivenessFile.class);

    private final Path file;
    private final BooleanSupplier running;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private volatile boolean failing;

    private LivenessFile(Path file, BooleanSupplier running, Clock clock) {
        this.file = file;
        this.running = running;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "liveness-file");
            // Never what keeps a JVM alive: the role's own threads decide when it ends.
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Writes {@code file} now and then every {@code interval} while {@code running} says so.
     *
     * @throws IllegalStateException the file cannot be written (its folder is missing or read-only):
     *                               a role that can never look healthy had better not start
     */
    public static LivenessFile start(Path file, Duration interval, BooleanSupplier running) {
        LivenessFile liveness = new LivenessFile(file, running, Clock.systemUTC());
        try {
            liveness.write();
        } catch (IOException e) {
            liveness.timer.shutdownNow();
            throw unwritable(file, e);
        }
        liveness.timer.scheduleWithFixedDelay(liveness::refresh, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return liveness;
    }

    /**
     * Checks before the role starts that {@code file} can be written, leaving nothing behind: the
     * file must not exist before the routes run, or a health check would pass too early.
     *
     * @throws IllegalStateException it cannot, with the setting, the path and the reason
     */
    public static void checkWritable(Path file) {
        try {
            Files.writeString(file, "", StandardCharsets.UTF_8);
            Files.delete(file);
        } catch (IOException e) {
            throw unwritable(file, e);
        }
    }

    private static IllegalStateException unwritable(Path file, IOException cause) {
        // No cause attached: RoleMain prints the innermost cause, and this sentence is the one to read.
        return new IllegalStateException(SETTING + "=" + file + ": cannot write the liveness file (" + cause + ");"
                + " point it at a writable folder, or leave it empty for none");
    }

    public Path file() {
        return file;
    }

    private void refresh() {
        if (!running.getAsBoolean()) {
            // Stopped or suspended routes: the file ages and the health check says so.
            return;
        }
        try {
            write();
            if (failing) {
                failing = false;
                LOG.info("liveness file {} is written again", file);
            }
        } catch (IOException e) {
            if (!failing) {
                failing = true;
                LOG.warn("cannot write liveness file {} ({}): health checks will report this role unhealthy", file, e.toString());
            }
        }
    }

    private void write() throws IOException {
        // The time inside is for a person looking; health checks read the file's modification time.
        Files.writeString(file, clock.instant() + "\n", StandardCharsets.UTF_8);
    }

    /** Stops writing and deletes the file, so a stopping role is unhealthy at once. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete liveness file {} ({})", file, e.toString());
        }
    }
}
