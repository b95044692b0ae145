package dev.fileanalysis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pipeline} command: runs the whole system, one role, or an operator's tool. */
@Command(name = "pipeline",
        mixinStandardHelpOptions = true,
        versionProvider = ProductVersion.Provider.class,
        description = "File Analysis Pipeline: watch a folder, upload compressed chunks, analyse, return encrypted results.",
        subcommands = {
                UpCommand.class,
                DevstackCommand.class,
                RoleCommand.Server.class,
                RoleCommand.Processor.class,
                RoleCommand.Client.class,
                EngineCommand.class,
                VerifyJobCommand.class,
                DecryptCommand.class,
                SoakCommand.class,
                BenchCommand.class,
                LoginCommand.class,
                LogoutCommand.class,
                OrgCommand.class,
                MemberCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Pipeline {

    public static void main(String[] args) {
        exitWithParent();
        int exitCode = new CommandLine(new Pipeline()).execute(args);
        // Roles block in their own threads; a finished command (tool, help, failed start) exits here.
        System.exit(exitCode);
    }

    /**
     * A role started by {@code pipeline up} stops when that process is gone, even if it was killed
     * with no chance to stop its children: no orphaned role keeps ports and files busy.
     */
    private static void exitWithParent() {
        String parent = System.getProperty("pipeline.parent-pid");
        if (parent == null) {
            return;
        }
        ProcessHandle.of(Long.parseLong(parent)).ifPresentOrElse(
                handle -> handle.onExit().thenRun(() -> System.exit(0)),
                () -> System.exit(0));
    }
}
