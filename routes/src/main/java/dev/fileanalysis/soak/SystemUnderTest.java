package dev.fileanalysis.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The whole system started the way a user starts it ({@code pipeline up}), as a child process
 * tree that the soak can inspect and hurt: find a role's processes, kill one, watch it come back.
 */
final class SystemUnderTest implements AutoCloseable {

    private final Process up;
    private final List<String> output = new CopyOnWriteArrayList<>();

    private SystemUnderTest(Process up) {
        this.up = up;
    }

    static SystemUnderTest start(Path home, Path data, List<String> properties, PrintStream log) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "-XX:+UseSerialGC", "-Dpipeline.home=" + home,
                "-cp", System.getProperty("java.class.path"), "dev.fileanalysis.cli.Pipeline", "up", "--data", data.toString()));
        for (String property : properties) {
            command.add("--property");
            command.add(property);
        }
        Process up = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).start();
        SystemUnderTest system = new SystemUnderTest(up);
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    system.output.add(line);
                    log.println("  | " + line);
                    if (line.startsWith("ready") || line.startsWith("Could not start")) {
                        ready.countDown();
                    }
                }
            } catch (IOException ended) {
                // the process is gone
            } finally {
                ready.countDown();
            }
        }, "soak-pipeline-output");
        reader.setDaemon(true);
        reader.start();
        if (!ready.await(240, TimeUnit.SECONDS) || system.output.stream().noneMatch(line -> line.startsWith("ready"))) {
            system.close();
            throw new IllegalStateException("pipeline up did not get ready:\n" + String.join("\n", system.output));
        }
        return system;
    }

    List<String> output() {
        return output;
    }

    /** Live processes of one role ({@code pipeline ROLE}) under this system. */
    List<ProcessHandle> processes(String role) {
        return up.descendants().filter(handle -> role.equals(roleOf(handle))).toList();
    }

    /** The role a process runs, read from /proc (ProcessHandle.Info drops long command lines). */
    static String roleOf(ProcessHandle handle) {
        try {
            List<String> arguments = List.of(Files.readString(Path.of("/proc", Long.toString(handle.pid()), "cmdline"),
                    StandardCharsets.UTF_8).split("\0"));
            int main = arguments.indexOf("dev.fileanalysis.cli.Pipeline");
            return main >= 0 && main + 1 < arguments.size() ? arguments.get(main + 1) : null;
        } catch (IOException gone) {
            return null;
        }
    }

    /** Waits until {@code count} lines containing {@code text} have been printed. */
    boolean awaitOutput(String text, long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (output.stream().filter(line -> line.contains(text)).count() >= count) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    long countOutput(String text) {
        return output.stream().filter(line -> line.contains(text)).count();
    }

    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> tree = up.descendants().toList();
        up.destroy();
        if (!up.waitFor(90, TimeUnit.SECONDS)) {
            up.destroyForcibly();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
