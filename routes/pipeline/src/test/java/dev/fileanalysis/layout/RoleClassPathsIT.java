package dev.fileanalysis.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Each role runs from its own jar with its own libraries ({@code ROLE-routes/target/lib}), and
 * those hold only what the role uses: the desktop client carries no database SDK, no HTTP server
 * and no chart library; the processor, which reaches storage only through presigned URLs and the
 * server's API, carries no AWS SDK at all. Checked on the class paths the build really made, the
 * ones {@code pipeline up} and the role images run.
 */
class RoleClassPathsIT {

    private static final Path HOME = Path.of(System.getProperty("pipeline.home", "../..")).toAbsolutePath().normalize();

    @Test
    void theClientCarriesNoDatabaseSdkNoHttpServerAndNoChartLibrary() throws IOException {
        assertThat(libraries("client")).noneMatch(jar -> startsWithAny(jar,
                "dynamodb-", "s3-", "sdk-core-", "vertx-", "netty-", "camel-platform-http", "camel-rest-", "jfreechart-", "engine-"));
    }

    @Test
    void theProcessorCarriesNoAwsSdkNoHttpServerAndNoChartLibrary() throws IOException {
        assertThat(libraries("processor")).noneMatch(jar -> startsWithAny(jar,
                "dynamodb-", "s3-", "sdk-core-", "vertx-", "netty-", "camel-platform-http", "camel-rest-", "jfreechart-", "engine-"));
    }

    @Test
    void theServerCarriesNoClientOrCliCode() throws IOException {
        assertThat(libraries("server")).noneMatch(jar -> startsWithAny(jar,
                "client-routes-", "processor-routes-", "pipeline-", "jfreechart-", "engine-"));
    }

    @Test
    void eachRoleJarNamesItsMainClassAndItsLibraries() throws IOException {
        for (String role : List.of("client", "server", "processor")) {
            try (JarFile jar = new JarFile(HOME.resolve(role + "-routes/target/" + role + ".jar").toFile())) {
                var attributes = jar.getManifest().getMainAttributes();
                assertThat(attributes.getValue("Main-Class")).as(role + "'s main class")
                        .isEqualTo("dev.fileanalysis." + role + "." + Character.toUpperCase(role.charAt(0)) + role.substring(1) + "Main");
                assertThat(attributes.getValue("Class-Path")).as(role + "'s class path").contains("lib/shared-");
            }
        }
    }

    private static List<String> libraries(String role) throws IOException {
        Path lib = HOME.resolve(role + "-routes/target/lib");
        assertThat(lib).as(role + "'s libraries (built by mvn package)").isDirectory();
        try (Stream<Path> jars = Files.list(lib)) {
            List<String> names = jars.map(jar -> jar.getFileName().toString()).sorted().toList();
            assertThat(names).as(role + "'s libraries").contains(names.stream().filter(name -> name.startsWith("shared-")).findFirst().orElse("shared-*.jar"));
            return names;
        }
    }

    private static boolean startsWithAny(String name, String... prefixes) {
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
