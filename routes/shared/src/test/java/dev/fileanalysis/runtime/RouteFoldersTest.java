package dev.fileanalysis.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every role's route files stay JBang-shaped: plain YAML DSL that Camel's own tooling accepts, so a
 * role folder runs with camel-main here and could run with {@code camel run} elsewhere.
 */
class RouteFoldersTest {

    /** The role folders at the project root, each holding its {@code *.camel.yaml} files at its top. */
    private static final List<String> ROLE_FOLDERS = List.of("client-routes", "server-routes", "processor-routes");
    /** Where camel-yaml-dsl keeps the JSON schema of its DSL (the one Camel JBang and the IDE plugins use). */
    private static final String YAML_DSL_SCHEMA = "schema/camelYamlDsl.json";

    private static final YAMLMapper YAML = new YAMLMapper();
    private static List<Path> routeFiles;

    @BeforeAll
    static void findRouteFiles() throws IOException {
        Path home = Path.of(System.getProperty("pipeline.home", "../..")).toAbsolutePath().normalize();
        routeFiles = new ArrayList<>();
        for (String folder : ROLE_FOLDERS) {
            Path dir = home.resolve(folder);
            assertThat(dir).as("role folder %s under pipeline.home %s", folder, home).isDirectory();
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(file -> file.getFileName().toString().endsWith(".camel.yaml")).sorted().forEach(routeFiles::add);
            }
        }
        assertThat(routeFiles).as("route files of the role folders").isNotEmpty();
    }

    @Test
    void everyRouteFileOfEveryRoleFolderIsValidYamlDslByTheSchemaInsideCamelYamlDsl() throws IOException {
        Schema schema = yamlDslSchema();
        // A set: the same value can fail the same way along two evaluation paths of the schema.
        Set<String> problems = new LinkedHashSet<>();
        for (Path file : routeFiles) {
            JsonNode document = YAML.readTree(file.toFile());
            for (Error error : mostSpecific(schema.validate(document))) {
                if (isPlaceholderForAScalar(document, error)) {
                    continue;
                }
                problems.add(relative(file) + " at " + error.getInstanceLocation() + ": " + error.getMessage());
            }
        }
        assertThat(problems).as("route files the Camel YAML DSL schema refuses").isEmpty();
    }

    /**
     * A property placeholder standing where the schema wants a number or a boolean
     * ({@code poolSize: "{{client.files-in-flight:8}}"}): Camel resolves placeholders before it
     * reads an option's type, so such a value is what the DSL expects, not a mistake.
     */
    private static boolean isPlaceholderForAScalar(JsonNode document, Error error) {
        JsonNode value = document.at(error.getInstanceLocation().toString());
        return value.isTextual() && value.textValue().matches("\\{\\{[^{}]+}}")
                && error.getMessage().matches("string found, (number|integer|boolean) expected");
    }

    /**
     * The errors that point at the offending value itself: a wrong value under a step also fails every
     * alternative of the step's anyOf (about thirty "required property" lines), which say nothing more.
     */
    private static List<Error> mostSpecific(List<Error> errors) {
        List<Error> deepest = new ArrayList<>();
        for (Error error : errors) {
            String location = error.getInstanceLocation().toString();
            boolean enclosesAnother = errors.stream()
                    .anyMatch(other -> other.getInstanceLocation().toString().startsWith(location + "/"));
            if (!enclosesAnother) {
                deepest.add(error);
            }
        }
        return deepest;
    }

    @Test
    void everyRoleFolderSaysEachStepIsInBlockStyleAndDefaultsEachPlaceholderToItsSetting() throws IOException {
        Path home = Path.of(System.getProperty("pipeline.home", "../..")).toAbsolutePath().normalize();
        Map<String, List<String>> problems = new TreeMap<>();
        for (String folder : ROLE_FOLDERS) {
            List<String> found = RouteFolderShape.problems(home.resolve(folder));
            if (!found.isEmpty()) {
                problems.put(folder, found);
            }
        }
        assertThat(problems).as("what keeps each role folder from running on its own, as `camel run` runs it").isEmpty();
    }

    private static Schema yamlDslSchema() throws IOException {
        URL location = RouteFoldersTest.class.getClassLoader().getResource(YAML_DSL_SCHEMA);
        assertThat(location).as(YAML_DSL_SCHEMA + " on the class path").isNotNull();
        assertThat(location.toString()).as("the schema comes from the camel-yaml-dsl jar that runs the routes")
                .contains("camel-yaml-dsl");
        try (InputStream in = location.openStream()) {
            JsonNode document = new ObjectMapper().readTree(in);
            // The schema declares draft-04; the registry is told so too, in case a release drops $schema.
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(document);
        }
    }

    private static String relative(Path file) {
        return file.getParent().getFileName() + "/" + file.getFileName();
    }
}
