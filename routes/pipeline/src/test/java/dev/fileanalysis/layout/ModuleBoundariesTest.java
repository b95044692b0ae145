package dev.fileanalysis.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The layout's rule, checked on the sources themselves: a role module builds only on the shared
 * code, shared code builds on no role, and nothing but the CLI builds on the CLI. Maven's module
 * dependencies already stop most of it at compile time; this test also catches a dependency
 * added to a POM, and names the file and import that broke the rule.
 */
class ModuleBoundariesTest {

    private static final Path HOME = Path.of(System.getProperty("pipeline.home", "../..")).toAbsolutePath().normalize();

    /** Each module's own packages (below dev.fileanalysis), as the first segment after it. */
    private static final Map<String, List<String>> OWN_PACKAGES = Map.of(
            "routes/shared", List.of("model", "crypto", "chunk", "runtime", "apiclient"),
            "client-routes", List.of("client"),
            "server-routes", List.of("server"),
            "processor-routes", List.of("processor"),
            "routes/pipeline", List.of("cli", "bench", "soak", "e2e", "layout", "deploy"));

    /** What each module may import from the project, besides its own packages (the engine and devstack are separate programs). */
    private static final Map<String, List<String>> MAY_IMPORT = Map.of(
            "routes/shared", List.of(),
            "client-routes", List.of("routes/shared"),
            "server-routes", List.of("routes/shared"),
            "processor-routes", List.of("routes/shared"),
            "routes/pipeline", List.of("routes/shared", "client-routes", "server-routes", "processor-routes", "engine"));

    private static final Pattern PROJECT_IMPORT = Pattern.compile("^import (?:static )?dev\\.fileanalysis\\.([a-z0-9]+)\\.", Pattern.MULTILINE);

    @ParameterizedTest
    @ValueSource(strings = {"routes/shared", "client-routes", "server-routes", "processor-routes", "routes/pipeline"})
    void aModuleImportsOnlyItselfAndTheModulesBelowIt(String module) throws IOException {
        List<String> allowed = new ArrayList<>(OWN_PACKAGES.get(module));
        for (String below : MAY_IMPORT.get(module)) {
            allowed.addAll(OWN_PACKAGES.getOrDefault(below, List.of(below)));
        }
        List<String> broken = new ArrayList<>();
        for (Path source : javaSources(HOME.resolve(module).resolve("src"))) {
            String text = Files.readString(source);
            Matcher imported = PROJECT_IMPORT.matcher(text);
            while (imported.find()) {
                if (!allowed.contains(imported.group(1))) {
                    broken.add(HOME.relativize(source) + " imports dev.fileanalysis." + imported.group(1));
                }
            }
            Matcher declared = Pattern.compile("^package dev\\.fileanalysis\\.([a-z0-9]+)", Pattern.MULTILINE).matcher(text);
            if (declared.find() && !OWN_PACKAGES.get(module).contains(declared.group(1))) {
                broken.add(HOME.relativize(source) + " is in package dev.fileanalysis." + declared.group(1)
                        + ", which belongs to another module");
            }
        }
        assertThat(broken).as("imports that run against the layout (README, Layout)").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"client-routes", "server-routes", "processor-routes"})
    void aRoleModuleDependsOnTheSharedCodeAndOnNoOtherRole(String module) throws IOException {
        String pom = Files.readString(HOME.resolve(module).resolve("pom.xml"));
        List<String> projectArtifacts = projectDependencies(pom);
        assertThat(projectArtifacts).as(module + "/pom.xml's dependencies on this project's modules").containsOnly("shared");
    }

    @Test
    void theSharedCodeDependsOnNoModuleOfThisProject() throws IOException {
        String pom = Files.readString(HOME.resolve("routes/shared/pom.xml"));
        assertThat(projectDependencies(pom)).as("routes/shared/pom.xml's dependencies on this project's modules").isEmpty();
    }

    private static List<String> projectDependencies(String pom) {
        List<String> artifacts = new ArrayList<>();
        Matcher dependency = Pattern.compile("<dependency>\\s*<groupId>dev\\.fileanalysis</groupId>\\s*<artifactId>([^<]+)</artifactId>")
                .matcher(pom.replaceAll("(?s)<parent>.*?</parent>", ""));
        while (dependency.find()) {
            artifacts.add(dependency.group(1));
        }
        return artifacts;
    }

    private static List<Path> javaSources(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(file -> file.toString().endsWith(".java")).sorted().toList();
        }
    }
}
