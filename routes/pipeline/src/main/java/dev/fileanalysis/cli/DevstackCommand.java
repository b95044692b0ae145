package dev.fileanalysis.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * Runs the three emulators of the embedded default (s3proxy, dynalite, dev OIDC provider) from the
 * devstack module's jar: a separate class path, because the emulators' Netty and Jetty versions
 * clash with Camel's.
 */
@Command(name = "devstack", description = "Runs the embedded S3, DynamoDB and OIDC emulators (options: --data DIR, --in-memory, ... see --help).")
public final class DevstackCommand implements Callable<Integer> {

    /** Everything after {@code devstack}, passed on unchanged in its order (the devstack parses its own options). */
    @Unmatched
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("pipeline.home", "."));
        List<String> command = new ArrayList<>(devstackCommand(home));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).directory(home.toFile()).inheritIO().start();
        Thread stop = new Thread(() -> {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }, "devstack-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        int status = process.waitFor();
        Runtime.getRuntime().removeShutdownHook(stop);
        return status;
    }

    /** {@code java -jar devstack/target/devstack.jar}, with the JVM that runs this command. */
    static List<String> devstackCommand(Path home) {
        Path jar = home.resolve("devstack/target/devstack.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The devstack is not built (" + jar.toAbsolutePath() + " missing): run ./pipeline up, "
                    + "which builds it, or mvn -B -DskipTests package.");
        }
        // tagged like the roles (RoleProcess.roleOf), so that the bench can tell the emulators' CPU apart
        return List.of(Processes.javaBinary(), "-Xmx384m", "-XX:+UseSerialGC", "-Dpipeline.role=devstack", "-jar",
                jar.toAbsolutePath().toString());
    }
}
