package dev.fileanalysis.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import dev.fileanalysis.cli.RunningSystem;

/**
 * The whole system as a user starts it, {@code pipeline up --data DIR}, for the end-to-end tests:
 * {@link RunningSystem} with the project folder the build runs in and the test's folders.
 */
final class RunningPipeline implements AutoCloseable {

    private final RunningSystem system;

    private RunningPipeline(RunningSystem system) {
        this.system = system;
    }

    static Path home() {
        return Path.of(System.getProperty("pipeline.home", "..")).toAbsolutePath().normalize();
    }

    static RunningPipeline start(Path data, String... properties) throws Exception {
        return new RunningPipeline(RunningSystem.start(home(), data, List.of(properties), line -> { }));
    }

    List<String> output() {
        return system.output();
    }

    URI address(String service) {
        return system.address(service);
    }

    Properties devstack() throws IOException {
        return system.devstack();
    }

    Path data() {
        return system.data();
    }

    Path drop() {
        return system.data().resolve("drop");
    }

    Path results() {
        return system.data().resolve("results");
    }

    String log(String role) throws IOException {
        return system.log(role);
    }

    List<ProcessHandle> roleProcesses(String role) {
        return system.processes(role);
    }

    Process startRole(String name, String role, String... arguments) throws IOException {
        return system.startRole(name, role, arguments);
    }

    @Override
    public void close() throws Exception {
        system.close();
    }
}
