package dev.fileanalysis.runtime;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The configuration of one role process, layered so that the most specific source wins:
 * the route folder's {@code application.properties}, then the devstack's published endpoints
 * ({@code DATA/devstack.properties}, when it exists), then environment variables, then
 * {@code --property key=value} arguments.
 *
 * <p>An environment variable overrides a key when its name is the key upper-cased with dots and
 * dashes turned into underscores ({@code s3.endpoint} is {@code S3_ENDPOINT}), the convention
 * containers and ECS task definitions use. Only keys the role knows can be set that way: those of
 * its {@code application.properties}, of the devstack's file, and the runner's own
 * ({@link #RUNNER_DEFAULTS}), so a stray variable of the environment never turns into a setting.
 */
public final class Settings {

    /**
     * Settings of the runner itself, which every role has whatever its application.properties says
     * (and which that file may still override): {@code pipeline.liveness-file}, empty for none.
     */
    static final Map<String, String> RUNNER_DEFAULTS = Map.of(LivenessFile.SETTING, "");

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = values;
    }

    public static Settings load(Path applicationProperties, Path devstackProperties,
                                Map<String, String> environment, List<String> propertyArguments) {
        Map<String, String> merged = new LinkedHashMap<>(RUNNER_DEFAULTS);
        putAll(merged, read(applicationProperties, true));
        if (devstackProperties != null && Files.isRegularFile(devstackProperties)) {
            putAll(merged, read(devstackProperties, true));
        }
        for (String key : List.copyOf(merged.keySet())) {
            String fromEnvironment = environment.get(environmentName(key));
            if (fromEnvironment != null) {
                merged.put(key, fromEnvironment);
            }
        }
        for (String argument : propertyArguments) {
            int equals = argument.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("--property takes key=value, got '" + argument + "'");
            }
            merged.put(argument.substring(0, equals).trim(), argument.substring(equals + 1).trim());
        }
        return new Settings(merged);
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(new LinkedHashMap<>(values));
    }

    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Properties asProperties() {
        Properties properties = new Properties();
        properties.putAll(values);
        return properties;
    }

    public Map<String, String> asMap() {
        return Map.copyOf(values);
    }

    public String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    public String require(String key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("Missing setting '" + key + "': set it in the role's application.properties, "
                    + "as environment variable " + environmentName(key) + ", or with --property " + key + "=...");
        }
        return value;
    }

    public int getInt(String key, int fallback) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Setting '" + key + "' must be a whole number, got '" + value + "'");
        }
    }

    public long getLong(String key, long fallback) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Setting '" + key + "' must be a whole number, got '" + value + "'");
        }
    }

    private static void putAll(Map<String, String> target, Properties source) {
        for (String name : source.stringPropertyNames()) {
            target.put(name, source.getProperty(name).trim());
        }
    }

    private static Properties read(Path file, boolean mustExist) {
        Properties properties = new Properties();
        if (file == null) {
            return properties;
        }
        if (!Files.isRegularFile(file)) {
            if (mustExist) {
                throw new IllegalStateException("Configuration file not found: " + file.toAbsolutePath());
            }
            return properties;
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read configuration file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return properties;
    }
}
