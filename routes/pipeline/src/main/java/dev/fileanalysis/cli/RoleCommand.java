package dev.fileanalysis.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.fileanalysis.runtime.RoleMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs one role's routes alone in this process, as its own jar would ({@code java -jar
 * client-routes/target/client.jar}); {@code pipeline up} starts each role from its own jar.
 */
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
    public Integer call() {
        return RoleMain.run(role(), data, home, properties);
    }

    @Command(name = "server", mixinStandardHelpOptions = true, description = "Runs the server: REST API, DynamoDB, presigned URLs, token checks.")
    public static final class Server extends RoleCommand {
        @Override
        String role() {
            return "server";
        }
    }

    @Command(name = "processor", mixinStandardHelpOptions = true, description = "Runs a processor: claims jobs, streams chunks to the engine, encrypts results.")
    public static final class Processor extends RoleCommand {
        @Override
        String role() {
            return "processor";
        }
    }

    @Command(name = "client", mixinStandardHelpOptions = true, description = "Runs the client: watches the drop folder, uploads, writes decrypted results.")
    public static final class Client extends RoleCommand {
        @Override
        String role() {
            return "client";
        }
    }
}
