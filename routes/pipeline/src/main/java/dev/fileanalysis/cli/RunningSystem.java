package dev.fileanalysis.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The whole system started the way a user starts it, {@code pipeline up --data DIR}, as a child
 * process tree that tests, the soak and the benchmark can use, inspect and hurt: read the
 * addresses it printed, find a role's processes, start extra roles beside it, and stop it all.
 */
public final class RunningSystem implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(240);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);

    private final Process up;
    private final Path home;
    private final Path data;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final List<Process> extras = new CopyOnWriteArrayList<>();

    private RunningSystem(Process up, Path home, Path data) {
        this.up = up;
        this.home = home;
        this.data = data;
    }

    /**
     * Starts {@code pipeline up} with this JVM's class path and the given settings, passes every
     * line it prints to {@code lines}, and returns once it printed {@code ready}.
     */
    public static RunningSystem start(Path home, Path data, List<String> properties, Consumer<String> lines) throws Exception {
        Files.createDirectories(data);
        List<String> command = java(home, "256m");
        command.addAll(List.of("dev.fileanalysis.cli.Pipeline", "up", "--data", data.toString()));
        for (String property : properties) {
            command.addAll(List.of("--property", property));
        }
        Process up = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).start();
        RunningSystem system = new RunningSystem(up, home, data);
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader reader2 = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader2.readLine()) != null) {
                    system.output.add(line);
                    lines.accept(line);
                    if (line.startsWith("ready") || line.startsWith("Could not start")) {
                        ready.countDown();
                    }
                }
            } catch (IOException ended) {
                // the process is gone
            } finally {
                ready.countDown();
            }
        }, "pipeline-up-output");
        reader.setDaemon(true);
        reader.start();
        if (!ready.await(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || system.output.stream().noneMatch(l -> l.startsWith("ready"))) {
            String seen = String.join("\n", system.output);
            system.close();
            throw new IllegalStateException("pipeline up did not get ready; it printed:\n" + seen);
        }
        return system;
    }

    /** {@code java} with this JVM's class path and the project home, ready for a main class. */
    private static List<String> java(Path home, String maxHeap) {
        return new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx" + maxHeap,
                "-XX:+UseSerialGC", "-Dpipeline.home=" + home, "-cp", System.getProperty("java.class.path")));
    }

    public List<String> output() {
        return output;
    }

    public Path data() {
        return data;
    }

    /** The address `pipeline up` printed for a service, e.g. {@code server http://127.0.0.1:PORT}. */
    public URI address(String service) {
        return output.stream()
                .filter(line -> line.startsWith(service + " "))
                .map(line -> URI.create(line.substring(service.length()).trim().split("\\s+")[0]))
                .findFirst().orElseThrow(() -> new IllegalStateException("pipeline up printed no line for " + service));
    }

    /** The devstack's endpoints and credentials ({@code DATA/devstack.properties}). */
    public Properties devstack() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(data.resolve("devstack.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    /** A role's log, {@code DATA/logs/ROLE.log}. */
    public String log(String role) throws IOException {
        return Files.readString(data.resolve("logs").resolve(role + ".log"), StandardCharsets.UTF_8);
    }

    /** Live processes of one role started by `pipeline up`. */
    public List<ProcessHandle> processes(String role) {
        return up.descendants().filter(handle -> role.equals(RoleProcess.roleOf(handle))).toList();
    }

    /** Every live process `pipeline up` started, with their own children (dynalite under the devstack). */
    public List<ProcessHandle> processes() {
        return up.descendants().toList();
    }

    /** Starts one more role process beside the system (the role's own jar with ARGS), logging to DATA/logs/NAME.log. */
    public Process startRole(String name, String role, String... arguments) throws IOException {
        List<String> command = RoleProcess.command(home, role, List.of("-Xmx256m", "-XX:+UseSerialGC"), List.of(arguments));
        Path log = data.resolve("logs").resolve(name + ".log");
        Process process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        extras.add(process);
        return process;
    }

    /** Waits until {@code count} printed lines contain {@code text}; false if the time ran out. */
    public boolean awaitOutput(String text, long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (countOutput(text) >= count) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    public long countOutput(String text) {
        return output.stream().filter(line -> line.contains(text)).count();
    }

    /**
     * Ctrl-C for the whole tree: SIGTERM to the extra roles and to `pipeline up`, which stops
     * every role it started. Fails (after killing them) if any process outlived that.
     */
    @Override
    public void close() throws InterruptedException {
        for (Process extra : extras) {
            extra.destroy();
        }
        for (Process extra : extras) {
            if (!extra.waitFor(30, TimeUnit.SECONDS)) {
                extra.destroyForcibly();
            }
        }
        List<ProcessHandle> tree = up.descendants().toList();
        up.destroy();
        boolean stopped = up.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!stopped) {
            up.destroyForcibly();
        }
        List<ProcessHandle> orphans = tree.stream().filter(ProcessHandle::isAlive).toList();
        orphans.forEach(ProcessHandle::destroyForcibly);
        if (!stopped) {
            throw new IllegalStateException("pipeline up did not stop within " + STOP_TIMEOUT.toSeconds() + " s of SIGTERM");
        }
        if (!orphans.isEmpty()) {
            throw new IllegalStateException("pipeline up left processes running after it stopped: "
                    + orphans.stream().map(handle -> handle.pid() + " " + handle.info().command().orElse("?")).toList());
        }
    }
}
