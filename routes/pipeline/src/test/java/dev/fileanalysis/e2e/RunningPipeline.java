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

    /** Writes each file beside the drop folder, then moves it in whole, as a finished download would. */
    void drop(java.util.Map<String, byte[]> files) throws IOException {
        Path staging = java.nio.file.Files.createDirectories(data().resolve("staging"));
        java.util.List<Path> staged = new java.util.ArrayList<>();
        for (java.util.Map.Entry<String, byte[]> file : files.entrySet()) {
            staged.add(java.nio.file.Files.write(staging.resolve(file.getKey()), file.getValue()));
        }
        for (Path file : staged) {
            java.nio.file.Files.move(file, drop().resolve(file.getFileName().toString()),
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
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
