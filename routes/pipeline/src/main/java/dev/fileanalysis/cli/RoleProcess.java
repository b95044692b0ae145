package dev.fileanalysis.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of one role's own process: {@code java -jar ROLE-routes/target/ROLE.jar},
 * with that role's class path and nothing else (the engine: {@code engine/target/engine.jar}).
 * Each process says which role it is ({@code -Dpipeline.role}), so supervisors and tests can
 * find a role's processes from {@code /proc}.
 */
public final class RoleProcess {

    private static final String ROLE_PROPERTY = "-Dpipeline.role=";

    private RoleProcess() {
    }

    /** The role's jar under the project folder; fails with what to run when it was not built. */
    public static Path jar(Path home, String role) {
        Path jar = "engine".equals(role) ? home.resolve("engine/target/engine.jar")
                : home.resolve(role + "-routes/target/" + role + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The " + role + " role is not built: " + jar + " is missing (run mvn -B -DskipTests package)");
        }
        return jar;
    }

    /**
     * {@code java [JVM options] -jar ROLE.jar ARGUMENTS} on this JVM's Java, with the project
     * folder set; {@code jvmOptions} come before the jar (heap, GC, parent pid).
     */
    public static List<String> command(Path home, String role, List<String> jvmOptions, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(Processes.javaBinary()));
        command.addAll(jvmOptions);
        command.add("-Dpipeline.home=" + home);
        command.add(ROLE_PROPERTY + role);
        command.add("-jar");
        command.add(jar(home, role).toString());
        if ("engine".equals(role) && !arguments.contains("--config")) {
            command.addAll(List.of("--config", home.resolve("engine/application.properties").toString()));
        }
        command.addAll(arguments);
        return command;
    }

    /** The role a process runs, read from /proc (ProcessHandle.Info drops long command lines); null if none. */
    public static String roleOf(ProcessHandle handle) {
        try {
            String[] arguments = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "cmdline"),
                    StandardCharsets.UTF_8).split("\0");
            for (String argument : arguments) {
                if (argument.startsWith(ROLE_PROPERTY)) {
                    return argument.substring(ROLE_PROPERTY.length());
                }
            }
            return null;
        } catch (IOException gone) {
            return null;
        }
    }
}
