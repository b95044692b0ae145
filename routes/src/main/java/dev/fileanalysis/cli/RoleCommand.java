package dev.fileanalysis.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.fileanalysis.runtime.RoleRunner;
import dev.fileanalysis.runtime.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs one role's routes alone, as a container or a test that kills one role would. */
public abstract class RoleCommand implements Callable<Integer> {

    @Option(names = "--data", description = "Data folder: devstack.properties, client key, drop and results folders (default: ${DEFAULT-VALUE}).",
            defaultValue = "${env:PIPELINE_DATA:-data}")
    Path data;

    @Option(names = "--home", description = "Project folder holding the route folders (default: ${DEFAULT-VALUE}).",
            defaultValue = "${sys:pipeline.home:-.}")
    Path home;

    @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE", description = "Overrides one setting; repeatable.")
    List<String> properties = new ArrayList<>();

    abstract String role();

    @Override
    public Integer call() throws Exception {
        Path routeFolder = home.resolve(role() + "-routes");
        List<String> overrides = new ArrayList<>();
        overrides.add("pipeline.data=" + data.toAbsolutePath());
        // Lets a role find files that travel with its routes (the server's openapi.yaml).
        overrides.add("pipeline.routes=" + routeFolder.toAbsolutePath());
        overrides.addAll(properties);
        Settings settings = Settings.load(routeFolder.resolve("application.properties"),
                data.resolve("devstack.properties"), System.getenv(), overrides);
        try {
            RoleRunner.run(role(), routeFolder, settings);
        } catch (Exception e) {
            // A role that cannot start says why in one line (a setting, a missing sign-in, an
            // unreachable service), the innermost cause being the one a person can act on.
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            System.err.println(role() + " could not start: " + (cause.getMessage() != null ? cause.getMessage() : cause));
            return 1;
        }
        return 0;
    }

    @Command(name = "server", description = "Runs the server: REST API, DynamoDB, presigned URLs, token checks.")
    public static final class Server extends RoleCommand {
        @Override
        String role() {
            return "server";
        }
    }

    @Command(name = "processor", description = "Runs a processor: claims jobs, streams chunks to the engine, encrypts results.")
    public static final class Processor extends RoleCommand {
        @Override
        String role() {
            return "processor";
        }
    }

    @Command(name = "client", description = "Runs the client: watches the drop folder, uploads, writes decrypted results.")
    public static final class Client extends RoleCommand {
        @Override
        String role() {
            return "client";
        }
    }
}
