package dev.fileanalysis.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Docker Compose itself accepts docker-compose.yml: {@code docker-compose config -q} checks it
 * against Compose's schema without a Docker engine (Debian's docker-compose 1.29, whose schema
 * predates some newer keys, so the file keeps to keys it knows).
 */
class DockerComposeConfigTest {

    private static final String INSTALL = "apt-get install -y docker-compose";

    @ParameterizedTest(name = "with profiles [{0}]")
    @ValueSource(strings = {"", "client"})
    void dockerComposeAcceptsTheFile(String profile) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker-compose", "-f", "docker-compose.yml"));
        if (!profile.isEmpty()) {
            command.addAll(List.of("--profile", profile));
        }
        command.addAll(List.of("config", "-q"));
        Path output = Files.createTempFile("docker-compose-config", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(Images.home().toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        // Only what Compose needs to run: no variable of whoever runs the test fills in the file's defaults.
        Map<String, String> environment = builder.environment();
        String path = environment.getOrDefault("PATH", "/usr/bin:/bin");
        String home = environment.getOrDefault("HOME", "/tmp");
        environment.clear();
        environment.put("PATH", path);
        environment.put("HOME", home);
        Process process;
        try {
            process = builder.start();
        } catch (IOException notInstalled) {
            fail("docker-compose is needed to validate docker-compose.yml and is not installed (" + notInstalled.getMessage()
                    + "): " + INSTALL);
            return;
        }
        boolean finished = process.waitFor(60, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String said = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);

        assertThat(finished).as("docker-compose config finished within 60 s").isTrue();
        assertThat(process.exitValue()).as("docker-compose config -q said:%n%s", said).isZero();
        assertThat(said).as("warnings of docker-compose config").isBlank();
    }
}
