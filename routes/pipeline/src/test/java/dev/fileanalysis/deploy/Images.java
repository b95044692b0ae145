package dev.fileanalysis.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.Set;

import dev.fileanalysis.engine.EngineConfig;
import dev.fileanalysis.runtime.LivenessFile;
import dev.fileanalysis.runtime.Settings;

/**
 * The project's images, each with its Dockerfile and the environment variables the program inside
 * reads: for a role, its application.properties keys (a key's variable is the key upper-cased, dots
 * and dashes as underscores) plus the runner's own; for the others, what their own documentation
 * names, each with the reason it is allowed.
 */
enum Images {
    SERVER("server", "server-routes"),
    PROCESSOR("processor", "processor-routes"),
    CLIENT("client", "client-routes"),
    ENGINE("engine", "engine"),
    /** Not a role: the dev OIDC provider, mock-oauth2-server's standalone main. */
    DEV_OIDC("dev-oidc", "devstack");

    /**
     * Variables read by mock-oauth2-server's standalone main (its {@code StandaloneConfig} and
     * {@code main}, version 2.3.0): its configuration (inline or a file), where it listens, its log setup.
     */
    static final Set<String> MOCK_OAUTH2_SERVER_VARIABLES =
            Set.of("JSON_CONFIG", "JSON_CONFIG_PATH", "SERVER_HOSTNAME", "SERVER_PORT", "PORT", "LOGBACK_CONFIG");

    final String name;
    final String module;

    Images(String name, String module) {
        this.name = name;
        this.module = module;
    }

    static Path home() {
        return Path.of(System.getProperty("pipeline.home", "../..")).toAbsolutePath().normalize();
    }

    /** Relative to the repository root, as docker-compose.yml names it. */
    String dockerfile() {
        return this == DEV_OIDC ? "devstack/oidc.Dockerfile" : module + "/Dockerfile";
    }

    Dockerfile load() throws IOException {
        return Dockerfile.load(home().resolve(dockerfile()));
    }

    boolean isRole() {
        return this != DEV_OIDC;
    }

    /** A role run by the shared runner (RoleMain): it has a route folder and the runner's settings. */
    boolean isCamelRole() {
        return this == SERVER || this == PROCESSOR || this == CLIENT;
    }

    Path applicationProperties() {
        return home().resolve(module).resolve("application.properties");
    }

    /** The role's settings with these variables applied, exactly as the role itself layers them. */
    Settings settings(Map<String, String> environment) {
        if (!isRole()) {
            throw new IllegalStateException(name + " is not a role");
        }
        return Settings.load(applicationProperties(), null, environment, List.of());
    }

    /** Every environment variable the program in this image reads, with why for those that are not settings. */
    Map<String, String> knownVariables() throws IOException {
        Map<String, String> known = new LinkedHashMap<>();
        if (this == DEV_OIDC) {
            new TreeSet<>(MOCK_OAUTH2_SERVER_VARIABLES).forEach(variable -> known.put(variable, "mock-oauth2-server's own"));
            return known;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(applicationProperties())) {
            properties.load(reader);
        }
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            known.put(Settings.environmentName(key), "setting " + key);
        }
        if (this == ENGINE) {
            EngineConfig.KEYS.forEach(key -> known.put(Settings.environmentName(key), "setting " + key));
        }
        if (isCamelRole()) {
            known.put(Settings.environmentName(LivenessFile.SETTING), "the runner's setting " + LivenessFile.SETTING);
        }
        return known;
    }

    static Optional<Images> byDockerfile(String dockerfile) {
        return Arrays.stream(values()).filter(image -> image.dockerfile().equals(dockerfile)).findFirst();
    }

    static Images of(ComposeFile.Service service) {
        String dockerfile = service.dockerfile().orElseThrow(() -> new IllegalStateException(service.name() + " is not built here"));
        return byDockerfile(dockerfile).orElseThrow(() -> new IllegalStateException(
                "service " + service.name() + " builds " + dockerfile + ", which is none of the project's images"));
    }
}
