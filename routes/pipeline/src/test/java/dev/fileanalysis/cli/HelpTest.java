package dev.fileanalysis.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./pipeline COMMAND --help} prints the command's usage and exits 0, for every command. */
class HelpTest {

    /** Passes everything after its name to a program of its own, which prints its own help. */
    private static final List<String> FORWARDING = List.of("devstack");

    @Test
    void everyCommandAnswersHelpWithItsUsageAndOptions() {
        Map<String, CommandLine> commands = new CommandLine(new Pipeline()).getSubcommands();
        assertThat(commands).containsKeys("up", "bench", "soak", "server", "processor", "client", "engine", "login", "org");

        commands.forEach((name, command) -> {
            if (FORWARDING.contains(name) || name.equals("help")) {
                return;
            }
            StringWriter out = new StringWriter();
            CommandLine pipeline = new CommandLine(new Pipeline());
            pipeline.setOut(new PrintWriter(out));
            pipeline.setErr(new PrintWriter(out));

            int exit = pipeline.execute(name, "--help");

            assertThat(exit).as("exit status of pipeline " + name + " --help: " + out).isZero();
            assertThat(out.toString()).as("pipeline " + name + " --help")
                    .contains("Usage: pipeline " + name)
                    .contains("--help");
        });
    }

    @Test
    void benchHelpListsItsScenariosAndTheQuickRun() {
        StringWriter out = new StringWriter();
        CommandLine pipeline = new CommandLine(new Pipeline());
        pipeline.setOut(new PrintWriter(out));

        assertThat(pipeline.execute("bench", "--help")).isZero();
        assertThat(out.toString()).contains("--quick").contains("--scenarios").contains("small-files");
    }
}
