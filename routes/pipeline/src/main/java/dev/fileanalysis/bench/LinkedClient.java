package dev.fileanalysis.bench;

import dev.fileanalysis.cli.RoleProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second client ({@code pipeline client}) beside the system's own, started behind the link
 * model with its own settings (a compression level, a chunk size) and its own data folder, which
 * it keeps across restarts so that it signs in only once. Its log is its standard output.
 */
final class LinkedClient implements AutoCloseable {

    private final Process process;
    private final Path data;
    private final ClientLog log;

    private LinkedClient(Process process, Path data, ClientLog log) {
        this.process = process;
        this.data = data;
        this.log = log;
    }

    static LinkedClient start(Path home, Path systemData, Path data, String name, LinkModel link, List<String> settings)
            throws IOException, InterruptedException {
        Files.createDirectories(data.resolve("logs"));
        // the role reads the devstack's endpoints and credentials from its data folder
        Files.copy(systemData.resolve("devstack.properties"), data.resolve("devstack.properties"),
                StandardCopyOption.REPLACE_EXISTING);
        Path logFile = data.resolve("logs").resolve(name + ".log");
        Files.deleteIfExists(logFile);
        List<String> command = new ArrayList<>(link.commandPrefix());
        List<String> arguments = new ArrayList<>(List.of("--data", data.toString()));
        for (String setting : settings) {
            arguments.addAll(List.of("--property", setting));
        }
        command.addAll(RoleProcess.command(home, "client", List.of("-Xmx256m", "-XX:+UseSerialGC",
                "-Dpipeline.parent-pid=" + ProcessHandle.current().pid()), arguments));
        Process process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(logFile.toFile()).start();
        LinkedClient client = new LinkedClient(process, data, new ClientLog(logFile));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(logFile, StandardCharsets.UTF_8).contains("client started")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String seen = Files.readString(logFile, StandardCharsets.UTF_8);
                client.close();
                throw new IOException("client " + name + " did not start; it printed:\n"
                        + seen.substring(Math.max(0, seen.length() - 3000)));
            }
            Thread.sleep(50);
        }
        return client;
    }

    Path data() {
        return data;
    }

    ClientLog log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
