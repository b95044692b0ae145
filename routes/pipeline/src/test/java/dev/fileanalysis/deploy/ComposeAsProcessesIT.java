package dev.fileanalysis.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.server.testing.DevStackFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml, brought up as processes ({@link ComposeOnThisMachine}: each container its
 * image's ENTRYPOINT with its image's ENV and the compose file's environment, healthy by its image's
 * HEALTHCHECK, the embedded emulators standing in for LocalStack): a file dropped at the client comes
 * back analysed and decrypted, through the dev OIDC provider's sign-in and service credentials, the
 * server, a processor and the engine, configured by nothing but the compose file; and every container
 * stops promptly on SIGTERM, as `docker compose down` asks.
 */
class ComposeAsProcessesIT {

    /** How long a container may take to stop after SIGTERM (the design asks for 5 s; compose waits 10 s before killing). */
    private static final Duration STOP_WITHIN = Duration.ofSeconds(5);

    @TempDir
    Path root;

    @Test
    void aFileDroppedAtTheClientComesBackAnalysedThroughEveryServiceAndEveryContainerStopsOnSigterm() throws Exception {
        ComposeFile compose = ComposeFile.load(Images.home().resolve("docker-compose.yml"));
        try (DevStackFixture devstack = DevStackFixture.start();
             ComposeOnThisMachine machine = new ComposeOnThisMachine(compose, Images.home(), root, devstack.settings())) {
            for (ComposeFile.Service service : machine.startOrder()) {
                machine.start(service);
            }
            List<ComposeOnThisMachine.Container> containers = machine.containers();
            assertThat(containers).extracting(container -> container.service().name())
                    .containsExactlyInAnyOrder("oidc", "server", "engine", "processor", "processor", "client");

            ComposeOnThisMachine.Container client = containers.stream()
                    .filter(container -> container.service().name().equals("client")).findFirst().orElseThrow();
            Path drop = Files.createDirectories(client.path("/data/drop"));
            Path results = client.path("/data/results");
            byte[] content = document(3 * 1024 * 1024 + 17);
            // Written under a hidden name, then renamed: the client ignores hidden files.
            Path writing = Files.write(drop.resolve(".report.bin.part"), content);
            Files.move(writing, drop.resolve("report.bin"), StandardCopyOption.ATOMIC_MOVE);

            Path result = results.resolve("report.bin.json");
            await("the result of report.bin in " + results).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                    .until(() -> Files.exists(result) || anyEnded(containers));
            assertThat(ended(containers)).as("containers that ended while the file went through").isEmpty();
            JsonNode analysed = new ObjectMapper().readTree(result.toFile());
            assertThat(analysed.path("status").asText()).as("result %s", analysed).isEqualTo("DONE");
            assertThat(analysed.path("name").asText()).isEqualTo("report.bin");
            assertThat(analysed.path("size").asLong()).isEqualTo(content.length);
            assertThat(analysed.path("result").path("size").asLong()).as("the engine's count").isEqualTo(content.length);
            assertThat(analysed.path("result").path("sha256").asText()).as("the engine's hash")
                    .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
            for (ComposeOnThisMachine.Container container : containers) {
                assertThat(container.healthy()).as("%s still passes its health check", container.name()).isTrue();
            }

            Map<String, Duration> stopped = new LinkedHashMap<>();
            List<ComposeOnThisMachine.Container> reverse = new ArrayList<>(containers);
            Collections.reverse(reverse);
            for (ComposeOnThisMachine.Container container : reverse) {
                Duration took = container.stop(Duration.ofSeconds(10));
                System.out.println(container.name() + ": stopped " + took.toMillis() + " ms after SIGTERM");
                stopped.put(container.name(), took);
            }
            assertThat(stopped).as("time from SIGTERM to exit").allSatisfy((name, took) ->
                    assertThat(took).as(name).isLessThanOrEqualTo(STOP_WITHIN));
        }
    }

    private static boolean anyEnded(List<ComposeOnThisMachine.Container> containers) {
        return !ended(containers).isEmpty();
    }

    private static List<String> ended(List<ComposeOnThisMachine.Container> containers) {
        List<String> ended = new ArrayList<>();
        for (ComposeOnThisMachine.Container container : containers) {
            if (!container.process().isAlive()) {
                try {
                    ended.add(container.name() + " (exit " + container.process().exitValue() + "):\n" + container.tail());
                } catch (IOException e) {
                    ended.add(container.name() + " (exit " + container.process().exitValue() + ")");
                }
            }
        }
        return ended;
    }

    /** Text with random bytes between: something that compresses a little, as documents do. */
    private static byte[] document(int size) {
        Random random = new Random(42);
        byte[] content = new byte[size];
        for (int i = 0; i < size; i++) {
            content[i] = i % 64 < 48 ? (byte) ('a' + random.nextInt(26)) : (byte) random.nextInt(256);
        }
        return content;
    }
}
