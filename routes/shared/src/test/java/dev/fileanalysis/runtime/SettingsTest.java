package dev.fileanalysis.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {

    @TempDir
    Path dir;

    @Test
    void moreSpecificLayersWinInOrderFileDevstackEnvironmentProperty() throws IOException {
        Path application = write("application.properties", """
                only.application = from-application
                s3.bucket = from-application
                s3.endpoint = from-application
                s3.region = from-application
                """);
        Path devstack = write("devstack.properties", """
                s3.bucket = from-devstack
                s3.endpoint = from-devstack
                s3.region = from-devstack
                only.devstack = from-devstack
                """);
        Map<String, String> environment = Map.of(
                "S3_ENDPOINT", "from-environment",
                "S3_REGION", "from-environment",
                "ONLY_DEVSTACK", "from-environment");

        Settings settings = Settings.load(application, devstack, environment, List.of("s3.region=from-property"));

        assertThat(settings.require("only.application")).isEqualTo("from-application");
        assertThat(settings.require("s3.bucket")).isEqualTo("from-devstack");
        assertThat(settings.require("s3.endpoint")).isEqualTo("from-environment");
        assertThat(settings.require("s3.region")).isEqualTo("from-property");
        assertThat(settings.require("only.devstack")).isEqualTo("from-environment");
    }

    @Test
    void environmentNameIsTheKeyUpperCasedWithDotsAndDashesAsUnderscores() throws IOException {
        Path application = write("application.properties", "processor.max-jobs = 1\n");

        Settings settings = Settings.load(application, null, Map.of("PROCESSOR_MAX_JOBS", "4"), List.of());

        assertThat(Settings.environmentName("processor.max-jobs")).isEqualTo("PROCESSOR_MAX_JOBS");
        assertThat(settings.getInt("processor.max-jobs", 0)).isEqualTo(4);
    }

    @Test
    void propertyArgumentMayAddAKeyAndKeepsEqualsSignsInItsValue() throws IOException {
        Path application = write("application.properties", "a = 1\n");

        Settings settings = Settings.load(application, null, Map.of(),
                List.of("engine.url=http://127.0.0.1:9/analyze?x=y", " spaced = value "));

        assertThat(settings.require("engine.url")).isEqualTo("http://127.0.0.1:9/analyze?x=y");
        assertThat(settings.require("spaced")).isEqualTo("value");
    }

    @Test
    void missingDevstackFileIsFine() throws IOException {
        Path application = write("application.properties", "s3.bucket = chunks\n");

        Settings settings = Settings.load(application, dir.resolve("data/devstack.properties"), Map.of(), List.of());

        assertThat(settings.require("s3.bucket")).isEqualTo("chunks");
        assertThat(Settings.load(application, null, Map.of(), List.of()).require("s3.bucket")).isEqualTo("chunks");
    }

    @Test
    void missingApplicationPropertiesIsAnErrorNamingTheFile() {
        Path missing = dir.resolve("client-routes/application.properties");

        assertThatThrownBy(() -> Settings.load(missing, null, Map.of(), List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not found")
                .hasMessageContaining(missing.toAbsolutePath().toString());
    }

    @Test
    void malformedPropertyArgumentIsAnErrorNamingIt() throws IOException {
        Path application = write("application.properties", "a = 1\n");

        assertThatThrownBy(() -> Settings.load(application, null, Map.of(), List.of("s3.endpoint")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key=value")
                .hasMessageContaining("'s3.endpoint'");
        assertThatThrownBy(() -> Settings.load(application, null, Map.of(), List.of("=http://x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'=http://x'");
    }

    @Test
    void requiringAMissingKeyNamesTheKeyAndTheEnvironmentVariableToSet() {
        Settings settings = Settings.of(Map.of("s3.bucket", "  "));

        assertThatThrownBy(() -> settings.require("s3.endpoint"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'s3.endpoint'")
                .hasMessageContaining("S3_ENDPOINT");
        assertThatThrownBy(() -> settings.require("s3.bucket"))
                .as("a blank value is as good as missing")
                .hasMessageContaining("S3_BUCKET");
    }

    @Test
    void nonNumericNumberIsAnErrorNamingTheKeyAndValue() {
        Settings settings = Settings.of(Map.of("chunk.size", "four megs"));

        assertThatThrownBy(() -> settings.getInt("chunk.size", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'chunk.size'")
                .hasMessageContaining("'four megs'");
        assertThat(settings.getLong("absent", 7L)).isEqualTo(7L);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
