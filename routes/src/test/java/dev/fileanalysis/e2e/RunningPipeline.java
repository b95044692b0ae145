package dev.fileanalysis.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
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
 * The whole system as a user starts it, {@code pipeline up --data DIR}, as a real process tree
 * (devstack with s3proxy, dynalite and the OIDC provider; engine; server; two processors; client),
 * plus any extra role processes a test starts next to it.
 */
final class RunningPipeline implements AutoCloseable {

    private final Process up;
    private final Path data;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final List<Process> extras = new ArrayList<>();

    private RunningPipeline(Process up, Path data) {
        this.up = up;
        this.data = data;
    }

    static Path home() {
        return Path.of(System.getProperty("pipeline.home", "..")).toAbsolutePath().normalize();
    }

    static List<String> java(String maxHeap) {
        return new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx" + maxHeap,
                "-XX:+UseSerialGC", "-Dpipeline.home=" + home(), "-cp", System.getProperty("java.class.path")));
    }

    static RunningPipeline start(Path data, String... properties) throws Exception {
        List<String> command = java("256m");
        command.addAll(List.of("dev.fileanalysis.cli.Pipeline", "up", "--data", data.toString()));
        for (String property : properties) {
            command.addAll(List.of("--property", property));
        }
        Process up = new ProcessBuilder(command).directory(home().toFile()).redirectErrorStream(true).start();
        RunningPipeline pipeline = new RunningPipeline(up, data);
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> pipeline.read(up.getInputStream(), ready), "pipeline-up-output");
        reader.setDaemon(true);
        reader.start();
        if (!ready.await(240, TimeUnit.SECONDS) || !pipeline.output.stream().anyMatch(line -> line.startsWith("ready"))) {
            String seen = String.join("\n", pipeline.output);
            pipeline.close();
            throw new IllegalStateException("pipeline up did not get ready; it printed:\n" + seen);
        }
        return pipeline;
    }

    private void read(InputStream in, CountDownLatch ready) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.add(line);
                if (line.startsWith("ready") || line.startsWith("Could not start")) {
                    ready.countDown();
                }
            }
        } catch (IOException ignored) {
            // the process ended
        } finally {
            ready.countDown();
        }
    }

    List<String> output() {
        return output;
    }

    /** The address `pipeline up` printed for a service, e.g. {@code server http://127.0.0.1:PORT}. */
    URI address(String service) {
        return output.stream()
                .filter(line -> line.startsWith(service + " "))
                .map(line -> URI.create(line.substring(service.length()).trim()))
                .findFirst().orElseThrow(() -> new IllegalStateException("pipeline up printed no line for " + service));
    }

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

    Path drop() {
        return data.resolve("drop");
    }

    Path results() {
        return data.resolve("results");
    }

    String log(String role) throws IOException {
        return Files.readString(data.resolve("logs").resolve(role + ".log"), StandardCharsets.UTF_8);
    }

    /** The running processes of one role started by `pipeline up`, found by their command line. */
    List<ProcessHandle> roleProcesses(String role) {
        return up.descendants().filter(handle -> {
            // read /proc directly: ProcessHandle.Info drops the arguments of very long command lines
            try {
                List<String> arguments = List.of(Files.readString(Path.of("/proc", Long.toString(handle.pid()), "cmdline"),
                        StandardCharsets.UTF_8).split("\0"));
                int main = arguments.indexOf("dev.fileanalysis.cli.Pipeline");
                return main >= 0 && main + 1 < arguments.size() && arguments.get(main + 1).equals(role);
            } catch (IOException gone) {
                return false;
            }
        }).toList();
    }

    /** Starts one more role process next to the system ({@code pipeline ROLE ARGS}), stopped with it. */
    Process startRole(String name, String role, String... arguments) throws IOException {
        List<String> command = java("256m");
        command.addAll(List.of("dev.fileanalysis.cli.Pipeline", role));
        command.addAll(List.of(arguments));
        Path log = data.resolve("logs").resolve(name + ".log");
        Process process = new ProcessBuilder(command).directory(home().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        extras.add(process);
        return process;
    }

    /** Ctrl-C for the whole tree: SIGTERM to `pipeline up`, which stops every role it started. */
    @Override
    public void close() throws Exception {
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
        if (!up.waitFor(90, TimeUnit.SECONDS)) {
            up.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
            throw new IllegalStateException("pipeline up did not stop within 90 s of SIGTERM");
        }
        List<ProcessHandle> orphans = tree.stream().filter(ProcessHandle::isAlive).toList();
        orphans.forEach(ProcessHandle::destroyForcibly);
        if (!orphans.isEmpty()) {
            throw new IllegalStateException("pipeline up left processes running after it stopped: "
                    + orphans.stream().map(handle -> handle.pid() + " " + handle.info().command().orElse("?")).toList());
        }
    }
}
