package dev.fileanalysis.cli;

import dev.fileanalysis.runtime.ProductVersion;
import dev.fileanalysis.runtime.RoleMain;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pipeline} command: runs the whole system, one role, or an operator's tool. */
@Command(name = "pipeline",
        mixinStandardHelpOptions = true,
        versionProvider = Pipeline.Version.class,
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
        RoleMain.exitWithParent();
        int exitCode = new CommandLine(new Pipeline()).execute(args);
        // Roles block in their own threads; a finished command (tool, help, failed start) exits here.
        System.exit(exitCode);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pipeline " + ProductVersion.get()};
        }
    }
}
