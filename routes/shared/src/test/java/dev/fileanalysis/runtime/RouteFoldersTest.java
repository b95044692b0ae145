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
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** A property placeholder: {@code {{key}}}, {@code {{key:default}}}, {@code {{env:NAME:default}}}, {@code {{?key}}}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(.*?)}}");

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
    void everyPlaceholderInARouteFileHasADefaultSoTheFileRunsWithoutTheRolesProperties() throws IOException {
        Map<String, TreeSet<String>> withoutDefault = new TreeMap<>();
        for (Path file : routeFiles) {
            for (String text : textValues(YAML.readTree(file.toFile()))) {
                Matcher placeholder = PLACEHOLDER.matcher(text);
                while (placeholder.find()) {
                    if (!hasDefault(placeholder.group(1))) {
                        withoutDefault.computeIfAbsent(relative(file), name -> new TreeSet<>()).add(placeholder.group(1));
                    }
                }
            }
        }
        assertThat(withoutDefault)
                .as("placeholders without a default, per route file (write {{key:default}}, the value of the role's "
                        + "application.properties, so `camel run` works on the file alone)")
                .isEmpty();
    }

    /**
     * {@code key:default} has one; so has an optional {@code ?key} (its option is left out when unset).
     * The {@code env:} and {@code sys:} functions take their default after a second colon.
     */
    private static boolean hasDefault(String placeholder) {
        if (placeholder.startsWith("?")) {
            return true;
        }
        String key = placeholder.startsWith("env:") || placeholder.startsWith("sys:") ? placeholder.substring(4) : placeholder;
        return key.contains(":");
    }

    /** Every text value of a YAML document (comments are not values, so a placeholder named in one does not count). */
    private static List<String> textValues(JsonNode node) {
        List<String> texts = new ArrayList<>();
        if (node.isTextual()) {
            texts.add(node.textValue());
        }
        for (JsonNode child : node) {
            texts.addAll(textValues(child));
        }
        return texts;
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
