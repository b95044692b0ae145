package dev.fileanalysis.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineConfigTest {
    @TempDir
    Path dir;

    private Path file(String... lines) throws IOException {
        return Files.write(dir.resolve("engine.properties"), List.of(lines));
    }

    @Test
    void missingFileMeansDefaults() {
        EngineConfig config = EngineConfig.load(dir.resolve("absent.properties"), Map.of(), List.of());
        assertThat(config).isEqualTo(EngineConfig.defaults());
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isZero();
        assertThat(config.maxBodyBytes()).isEqualTo(EngineConfig.UNLIMITED);
        assertThat(config.threads()).isEqualTo(4);
        assertThat(config.readTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.allowNonLoopback()).isFalse();
    }

    @Test
    void committedFileIsTheDefaults() {
        // Surefire runs in the module directory, where the committed file lives.
        assertThat(EngineConfig.load(Path.of("application.properties"), Map.of(), List.of())).isEqualTo(EngineConfig.defaults());
        assertThat(EngineConfig.fileExists(Path.of("application.properties"))).isTrue();
    }

    @Test
    void fileThenEnvironmentThenPropertyArguments() throws IOException {
        Path file = file(
                "engine.port=1111",
                "engine.threads=2",
                "engine.read-timeout-ms=1000",
                "engine.max-body-bytes=500");
        Map<String, String> environment = Map.of(
                "ENGINE_PORT", "2222",
                "ENGINE_READ_TIMEOUT_MS", "2000",
                "ENGINE_HOST", "localhost",
                "PATH", "/usr/bin");
        List<String> properties = List.of("engine.port=3333", "engine.max-body-bytes=unlimited");

        EngineConfig config = EngineConfig.load(file, environment, properties);

        assertThat(config.port()).as("--property beats env and file").isEqualTo(3333);
        assertThat(config.maxBodyBytes()).as("--property beats file").isEqualTo(EngineConfig.UNLIMITED);
        assertThat(config.readTimeout()).as("env beats file").isEqualTo(Duration.ofMillis(2000));
        assertThat(config.host()).as("env beats default").isEqualTo("localhost");
        assertThat(config.threads()).as("file beats default").isEqualTo(2);
        assertThat(config.allowNonLoopback()).as("default").isFalse();
    }

    @Test
    void laterPropertyArgumentWins() {
        EngineConfig config = EngineConfig.load(dir.resolve("absent"), Map.of(), List.of("engine.threads=2", "engine.threads=7"));
        assertThat(config.threads()).isEqualTo(7);
    }

    @Test
    void environmentVariableNamesAreUpperCaseWithUnderscores() {
        assertThat(EngineConfig.KEYS).extracting(EngineConfig::environmentVariable).containsExactly(
                "ENGINE_HOST", "ENGINE_PORT", "ENGINE_MAX_BODY_BYTES", "ENGINE_THREADS",
                "ENGINE_READ_TIMEOUT_MS", "ENGINE_ALLOW_NON_LOOPBACK");
    }

    @Test
    void badValueIsNamedWithItsSource() throws IOException {
        assertThatThrownBy(() -> EngineConfig.load(dir.resolve("absent"), Map.of("ENGINE_PORT", "eighty"), List.of()))
                .isInstanceOf(EngineConfigException.class)
                .hasMessage("engine.port='eighty' (from environment variable ENGINE_PORT): expected a whole number from 0 to 65535");
        Path file = file("engine.threads=0");
        assertThatThrownBy(() -> EngineConfig.load(file, Map.of(), List.of()))
                .hasMessage("engine.threads='0' (from file " + file + "): expected a whole number from 1 to 10000");
        assertThatThrownBy(() -> EngineConfig.load(dir.resolve("absent"), Map.of(), List.of("engine.allow-non-loopback=yes")))
                .hasMessage("engine.allow-non-loopback='yes' (from --property engine.allow-non-loopback=yes): expected true or false");
        assertThatThrownBy(() -> EngineConfig.load(dir.resolve("absent"), Map.of(), List.of("engine.max-body-bytes=-1")))
                .hasMessageContaining("engine.max-body-bytes='-1'");
        assertThatThrownBy(() -> EngineConfig.load(dir.resolve("absent"), Map.of(), List.of("engine.port=65536")))
                .hasMessageContaining("engine.port='65536'");
    }

    @Test
    void unknownKeysAreRejectedAsTypos() throws IOException {
        Path file = file("engine.prot=8080");
        assertThatThrownBy(() -> EngineConfig.load(file, Map.of(), List.of()))
                .isInstanceOf(EngineConfigException.class)
                .hasMessageStartingWith("unknown key 'engine.prot' in file " + file + "; known keys: engine.host, engine.port");
        assertThatThrownBy(() -> EngineConfig.load(dir.resolve("absent"), Map.of(), List.of("threads=3")))
                .hasMessageStartingWith("unknown key 'threads' in --property");
        assertThatThrownBy(() -> EngineConfig.load(dir.resolve("absent"), Map.of(), List.of("engine.threads")))
                .hasMessageContaining("expected key=value");
    }

    @Test
    void commandLineTakesConfigAndRepeatableProperties() {
        EngineArguments arguments = EngineArguments.parse(
                "--config", "/etc/engine.properties", "--property", "engine.port=1", "--property=engine.threads=2");
        assertThat(arguments.configFile()).isEqualTo(Path.of("/etc/engine.properties"));
        assertThat(arguments.configGiven()).isTrue();
        assertThat(arguments.properties()).containsExactly("engine.port=1", "engine.threads=2");

        EngineArguments none = EngineArguments.parse();
        assertThat(none.configFile()).isEqualTo(Path.of("engine/application.properties"));
        assertThat(none.properties()).isEmpty();

        assertThatThrownBy(() -> EngineArguments.parse("--port", "1")).hasMessageStartingWith("unknown argument '--port'");
        assertThatThrownBy(() -> EngineArguments.parse("--property")).hasMessageStartingWith("--property needs a value");
    }
}
