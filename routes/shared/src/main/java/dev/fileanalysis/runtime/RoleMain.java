package dev.fileanalysis.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The entry point of one role's own jar ({@code java -jar client-routes/target/client.jar}), and
 * what {@code pipeline client|server|processor} runs: the role's route folder with its layered
 * {@link Settings}. A role that cannot start says why in one line and exits 1.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = RoleMain.Version.class)
public final class RoleMain implements Callable<Integer> {

    @Option(names = "--data", description = "Data folder: devstack.properties, client key, drop and results folders (default: ${DEFAULT-VALUE}).",
            defaultValue = "${env:PIPELINE_DATA:-data}")
    Path data;

    @Option(names = "--home", description = "Project folder holding the route folders (default: ${DEFAULT-VALUE}).",
            defaultValue = "${sys:pipeline.home:-.}")
    Path home;

    @Option(names = "--routes", description = "The role's route folder (default: HOME/ROLE-routes).")
    Path routes;

    @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE", description = "Overrides one setting; repeatable.")
    List<String> properties = new ArrayList<>();

    private final String role;

    private RoleMain(String role) {
        this.role = role;
    }

    /** Parses {@code args}, runs the role until the JVM is asked to stop, and exits with its code. */
    public static void main(String role, String description, String[] args) {
        exitWithParent();
        CommandLine command = new CommandLine(new RoleMain(role));
        command.getCommandSpec().name(role).usageMessage().description(description);
        System.exit(command.execute(args));
    }

    /** The same, for a caller that has its own command line (the {@code pipeline} CLI). */
    public static int run(String role, Path data, Path home, List<String> properties) {
        RoleMain main = new RoleMain(role);
        main.data = data;
        main.home = home;
        main.properties = properties;
        return main.call();
    }

    @Override
    public Integer call() {
        Path routeFolder = routes != null ? routes : home.resolve(role + "-routes");
        List<String> overrides = new ArrayList<>();
        overrides.add("pipeline.data=" + data.toAbsolutePath());
        // Lets a role find files that travel with its routes (the server's openapi.yaml).
        overrides.add("pipeline.routes=" + routeFolder.toAbsolutePath());
        overrides.addAll(properties);
        try {
            Settings settings = Settings.load(routeFolder.resolve("application.properties"),
                    data.resolve("devstack.properties"), System.getenv(), overrides);
            RoleRunner.run(role, routeFolder, settings);
        } catch (Exception e) {
            // A role that cannot start says why in one line (a setting, a missing sign-in, an
            // unreachable service), the innermost cause being the one a person can act on.
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            System.err.println(role + " could not start: " + (cause.getMessage() != null ? cause.getMessage() : cause));
            return 1;
        }
        return 0;
    }

    /**
     * A role started by {@code pipeline up} stops when that process is gone, even if it was killed
     * with no chance to stop its children: no orphaned role keeps ports and files busy.
     */
    public static void exitWithParent() {
        String parent = System.getProperty("pipeline.parent-pid");
        if (parent == null) {
            return;
        }
        ProcessHandle.of(Long.parseLong(parent)).ifPresentOrElse(
                handle -> handle.onExit().thenRun(() -> System.exit(0)),
                () -> System.exit(0));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pipeline " + ProductVersion.get()};
        }
    }
}
