package dev.fileanalysis.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The liveness file container health checks read for roles that listen on nothing: fresh while the
 * routes run, ageing while they do not, gone once the role stops.
 */
class LivenessFileTest {

    private static final Duration FAST = Duration.ofMillis(100);

    @TempDir
    Path dir;

    @Test
    void theFileIsWrittenAtOnceAndRewrittenWhileTheRoleRuns() throws IOException {
        Path file = dir.resolve("alive");

        try (LivenessFile liveness = LivenessFile.start(file, FAST, () -> true)) {
            assertThat(file).exists();
            FileTime first = Files.getLastModifiedTime(file);
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.getLastModifiedTime(file).compareTo(first) > 0);
        }
    }

    @Test
    void theFileAgesWhileTheRoutesAreNotRunningAndIsFreshAgainOnceTheyAre() throws IOException {
        Path file = dir.resolve("alive");
        // Not running from the start: the only write before the check below is start()'s own.
        AtomicBoolean running = new AtomicBoolean(false);

        try (LivenessFile liveness = LivenessFile.start(file, FAST, running::get)) {
            FileTime stopped = modified(file);
            await().during(FAST.multipliedBy(5)).atMost(Duration.ofSeconds(5))
                    .until(() -> modified(file).equals(stopped));

            running.set(true);
            await().atMost(Duration.ofSeconds(5)).until(() -> modified(file).compareTo(stopped) > 0);
        }
    }

    @Test
    void closingDeletesTheFileSoAStoppingRoleIsUnhealthyAtOnce() {
        Path file = dir.resolve("alive");
        LivenessFile liveness = LivenessFile.start(file, FAST, () -> true);

        liveness.close();

        assertThat(file).doesNotExist();
        await().during(FAST.multipliedBy(5)).atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(file));
    }

    @Test
    void aFileThatCannotBeWrittenIsRefusedWithTheSettingAndThePath() {
        Path file = dir.resolve("no-such-folder/alive");

        assertThatThrownBy(() -> LivenessFile.checkWritable(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pipeline.liveness-file=" + file)
                .hasMessageContaining("cannot write");
        assertThatThrownBy(() -> LivenessFile.start(file, FAST, () -> true))
                .hasMessageContaining("pipeline.liveness-file=" + file);
    }

    @Test
    void theEnvironmentSetsTheLivenessFileOfEveryRoleThoughNoApplicationPropertiesNamesIt() throws IOException {
        Path application = Files.writeString(dir.resolve("application.properties"), "camel.main.name=test\n");

        Settings settings = Settings.load(application, null,
                Map.of("PIPELINE_LIVENESS_FILE", "/tmp/alive", "NOT_A_SETTING", "x"), List.of());

        assertThat(settings.get(LivenessFile.SETTING, null)).isEqualTo("/tmp/alive");
        assertThat(settings.asMap()).doesNotContainKey("not.a.setting");
        assertThat(Settings.load(application, null, Map.of(), List.of()).get(LivenessFile.SETTING, null))
                .as("off unless asked for").isEmpty();
    }

    @Test
    void theRunnerWritesTheFileOnceTheRoutesStartedAndDeletesItWhenTheRoleStops() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("test-routes"));
        Files.writeString(routes.resolve("application.properties"), "camel.main.name=test\n");
        Files.writeString(routes.resolve("tick.camel.yaml"), """
                # Ticks, so the test role has a route to run.
                - route:
                    id: tick
                    from:
                      uri: timer:tick
                      parameters:
                        period: 1000
                      steps:
                        - log:
                            message: tick
                """);
        Path file = dir.resolve("alive");
        Settings settings = Settings.load(routes.resolve("application.properties"), null,
                Map.of("PIPELINE_LIVENESS_FILE", file.toString()), List.of());

        Main main = RoleRunner.create("test", routes, settings);
        assertThat(file).as("not before the routes run").doesNotExist();
        Thread role = new Thread(() -> {
            try {
                main.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "test-role");
        role.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(file));
            assertThat(main.getCamelContext().getStatus().isStarted()).isTrue();
        } finally {
            main.completed();
            role.join(Duration.ofSeconds(30).toMillis());
        }

        assertThat(role.isAlive()).isFalse();
        assertThat(file).as("deleted when the role stops").doesNotExist();
    }

    @Test
    void theRunnerRefusesToStartARoleWhoseLivenessFileCannotBeWritten() throws IOException {
        Path routes = Files.createDirectories(dir.resolve("test-routes"));
        Files.writeString(routes.resolve("application.properties"), "camel.main.name=test\n");
        Path file = dir.resolve("missing/alive");
        Settings settings = Settings.of(Map.of(LivenessFile.SETTING, file.toString()));

        assertThatThrownBy(() -> RoleRunner.create("test", routes, settings))
                .hasMessageContaining("pipeline.liveness-file=" + file);
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
