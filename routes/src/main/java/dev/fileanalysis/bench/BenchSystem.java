package dev.fileanalysis.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The system under measurement, started the way a user starts it: {@code pipeline up} as a child
 * process tree on this machine, with its output kept in {@code DIR/pipeline-up.log}. (The same
 * idea as the soak's helper; kept separate so that the two tools can change independently.)
 */
final class BenchSystem implements AutoCloseable {

    private final Process up;
    private final Path data;
    private final List<String> output = new CopyOnWriteArrayList<>();

    private BenchSystem(Process up, Path data) {
        this.up = up;
        this.data = data;
    }

    static BenchSystem start(Path home, Path data, List<String> properties, PrintStream out) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "-XX:+UseSerialGC", "-Dpipeline.home=" + home,
                "-cp", System.getProperty("java.class.path"), "dev.fileanalysis.cli.Pipeline", "up", "--data", data.toString()));
        for (String property : properties) {
            command.add("--property");
            command.add(property);
        }
        Files.createDirectories(data);
        Process up = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).start();
        BenchSystem system = new BenchSystem(up, data);
        CountDownLatch ready = new CountDownLatch(1);
        Path log = data.resolveSibling("pipeline-up.log");
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                String line;
                while ((line = lines.readLine()) != null) {
                    system.output.add(line);
                    file.println(line);
                    if (line.startsWith("ready") || line.startsWith("Could not start")) {
                        ready.countDown();
                    }
                }
            } catch (IOException ended) {
                // the process is gone
            } finally {
                ready.countDown();
            }
        }, "bench-pipeline-output");
        reader.setDaemon(true);
        reader.start();
        if (!ready.await(240, TimeUnit.SECONDS) || system.output.stream().noneMatch(line -> line.startsWith("ready"))) {
            system.close();
            throw new IllegalStateException("pipeline up did not get ready (see " + log + "):\n" + String.join("\n", system.output));
        }
        out.println("bench: system ready (" + log + ")");
        return system;
    }

    /** The server's URL as {@code pipeline up} printed it. */
    String serverUrl() {
        return output.stream().filter(line -> line.startsWith("server ")).map(line -> line.substring(7).trim().split("\\s+")[0])
                .findFirst().orElseThrow(() -> new IllegalStateException("pipeline up printed no server line"));
    }

    /** The devstack's endpoints and credentials ({@code DATA/devstack.properties}). */
    Properties devstack() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(data.resolve("devstack.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    Path data() {
        return data;
    }

    /** Processes of one role ({@code client}, {@code processor}, ...) under this system, read from /proc. */
    List<ProcessHandle> processes(String role) {
        return up.descendants().filter(handle -> role.equals(roleOf(handle))).toList();
    }

    private static String roleOf(ProcessHandle handle) {
        try {
            List<String> arguments = List.of(Files.readString(Path.of("/proc", Long.toString(handle.pid()), "cmdline"),
                    StandardCharsets.UTF_8).split("\0"));
            int main = arguments.indexOf("dev.fileanalysis.cli.Pipeline");
            return main >= 0 && main + 1 < arguments.size() ? arguments.get(main + 1) : null;
        } catch (IOException gone) {
            return null;
        }
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
