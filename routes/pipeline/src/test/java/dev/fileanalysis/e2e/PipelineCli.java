package dev.fileanalysis.e2e;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./pipeline ARGUMENTS --data DATA} as the script runs it (its main class, in a JVM of its own), against a server. */
final class PipelineCli {

    record Run(int exit, String output) {
    }

    private PipelineCli() {
    }

    /** Runs the command and checks it exits with {@code expectedExit}; the assertion shows what it printed. */
    static Run run(URI server, Path data, int expectedExit, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx128m",
                "-XX:+UseSerialGC", "-Dpipeline.home=" + RunningPipeline.home(), "-cp", System.getProperty("java.class.path"),
                "dev.fileanalysis.cli.Pipeline"));
        command.addAll(List.of(arguments));
        command.addAll(List.of("--data", data.toString(), "-p", "client.server-url=" + server));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("exit of pipeline %s; it printed:%n%s", String.join(" ", arguments), output)
                .isEqualTo(expectedExit);
        return new Run(process.exitValue(), output);
    }
}
