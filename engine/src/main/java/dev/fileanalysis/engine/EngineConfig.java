package dev.fileanalysis.engine;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * How the engine listens. Values come, lowest precedence first, from the properties file, then
 * environment variables ({@code engine.max-body-bytes} is {@code ENGINE_MAX_BODY_BYTES}), then
 * {@code --property key=value} arguments, so a container can override the committed file without
 * rewriting it.
 *
 * @param host             address to bind; loopback unless {@code allowNonLoopback}
 * @param port             TCP port, 0 picks a free one (the real port is announced on start)
 * @param maxBodyBytes     larger bodies are refused with 413; {@link #UNLIMITED} for no limit
 * @param threads          requests analysed concurrently; more wait in a queue
 * @param readTimeout      a request whose body stalls this long is dropped; zero waits forever
 * @param allowNonLoopback the engine must only be reachable by its processor, so binding beyond
 *                         loopback (a container's internal network) has to be asked for explicitly
 */
public record EngineConfig(
        String host,
        int port,
        long maxBodyBytes,
        int threads,
        Duration readTimeout,
        boolean allowNonLoopback) {

    public static final String HOST = "engine.host";
    public static final String PORT = "engine.port";
    public static final String MAX_BODY_BYTES = "engine.max-body-bytes";
    public static final String THREADS = "engine.threads";
    public static final String READ_TIMEOUT_MS = "engine.read-timeout-ms";
    public static final String ALLOW_NON_LOOPBACK = "engine.allow-non-loopback";

    /** Every key the engine understands; anything else in the file or a --property is a typo. */
    public static final List<String> KEYS =
            List.of(HOST, PORT, MAX_BODY_BYTES, THREADS, READ_TIMEOUT_MS, ALLOW_NON_LOOPBACK);

    /** Relative to the working directory, which is the repository root when run by the launcher. */
    public static final Path DEFAULT_FILE = Path.of("engine", "application.properties");

    public static final long UNLIMITED = Long.MAX_VALUE;

    public EngineConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (host.isBlank()) {
            throw new EngineConfigException(HOST + " must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new EngineConfigException(PORT + "=" + port + " is not a TCP port (0-65535, 0 = any free port)");
        }
        if (maxBodyBytes < 1) {
            throw new EngineConfigException(MAX_BODY_BYTES + "=" + maxBodyBytes + " must be at least 1 (or 'unlimited')");
        }
        if (threads < 1) {
            throw new EngineConfigException(THREADS + "=" + threads + " must be at least 1");
        }
        if (readTimeout.isNegative()) {
            throw new EngineConfigException(READ_TIMEOUT_MS + "=" + readTimeout.toMillis() + " must not be negative (0 = no timeout)");
        }
    }

    /** Loopback, a free port, no body limit, 4 threads, 30 s read timeout. */
    public static EngineConfig defaults() {
        return new EngineConfig("127.0.0.1", 0, UNLIMITED, 4, Duration.ofMinutes(10), false);
    }

    public EngineConfig withHost(String value) {
        return new EngineConfig(value, port, maxBodyBytes, threads, readTimeout, allowNonLoopback);
    }

    public EngineConfig withPort(int value) {
        return new EngineConfig(host, value, maxBodyBytes, threads, readTimeout, allowNonLoopback);
    }

    public EngineConfig withMaxBodyBytes(long value) {
        return new EngineConfig(host, port, value, threads, readTimeout, allowNonLoopback);
    }

    public EngineConfig withThreads(int value) {
        return new EngineConfig(host, port, maxBodyBytes, value, readTimeout, allowNonLoopback);
    }

    public EngineConfig withReadTimeout(Duration value) {
        return new EngineConfig(host, port, maxBodyBytes, threads, value, allowNonLoopback);
    }

    public EngineConfig withAllowNonLoopback(boolean value) {
        return new EngineConfig(host, port, maxBodyBytes, threads, readTimeout, value);
    }

    /** The environment variable that overrides {@code key}: upper case, dots and dashes to underscores. */
    public static String environmentVariable(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * Reads {@code file} (a missing file contributes nothing), then the environment, then the
     * {@code key=value} strings given with {@code --property}.
     */
    public static EngineConfig load(Path file, Map<String, String> environment, List<String> propertyArguments) {
        return resolve(readFile(file), "file " + file, environment, parsePropertyArguments(propertyArguments));
    }

    /** Whether {@link #load} would find a file to read at {@code file}. */
    public static boolean fileExists(Path file) {
        return Files.isRegularFile(file);
    }

    static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException missing) {
            return Map.of();
        } catch (IOException | IllegalArgumentException e) {
            throw new EngineConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            values.put(key, properties.getProperty(key));
        }
        return values;
    }

    static Map<String, String> parsePropertyArguments(List<String> arguments) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String argument : arguments) {
            int equals = argument.indexOf('=');
            if (equals <= 0) {
                throw new EngineConfigException("--property " + argument + ": expected key=value, e.g. --property " + PORT + "=8090");
            }
            values.put(argument.substring(0, equals).trim(), argument.substring(equals + 1));
        }
        return values;
    }

    /**
     * Layers the three sources, each a map of property keys to raw strings, over the defaults.
     * {@code environment} is the whole process environment (or a test's stand-in); only the
     * variables named after known keys are looked at.
     */
    static EngineConfig resolve(Map<String, String> file, String fileSource,
                                Map<String, String> environment, Map<String, String> properties) {
        Map<String, Setting> settings = new LinkedHashMap<>();
        rejectUnknownKeys(file, fileSource);
        rejectUnknownKeys(properties, "--property");
        file.forEach((key, value) -> settings.put(key, new Setting(value, fileSource)));
        for (String key : KEYS) {
            String variable = environmentVariable(key);
            String value = environment.get(variable);
            if (value != null) {
                settings.put(key, new Setting(value, "environment variable " + variable));
            }
        }
        properties.forEach((key, value) -> settings.put(key, new Setting(value, "--property " + key + "=" + value)));

        EngineConfig defaults = defaults();
        return new EngineConfig(
                text(settings, HOST, defaults.host()),
                (int) number(settings, PORT, defaults.port(), 0, 65535),
                bodyLimit(settings, defaults.maxBodyBytes()),
                (int) number(settings, THREADS, defaults.threads(), 1, 10_000),
                Duration.ofMillis(number(settings, READ_TIMEOUT_MS, defaults.readTimeout().toMillis(), 0, Long.MAX_VALUE)),
                bool(settings, ALLOW_NON_LOOPBACK, defaults.allowNonLoopback()));
    }

    private record Setting(String value, String source) {
        String trimmed() {
            return value.trim();
        }

        EngineConfigException invalid(String key, String expected) {
            return new EngineConfigException(key + "='" + value + "' (from " + source + "): expected " + expected);
        }
    }

    private static void rejectUnknownKeys(Map<String, String> values, String source) {
        for (String key : values.keySet()) {
            if (!KEYS.contains(key)) {
                throw new EngineConfigException("unknown key '" + key + "' in " + source + "; known keys: " + String.join(", ", KEYS));
            }
        }
    }

    private static String text(Map<String, Setting> settings, String key, String fallback) {
        Setting setting = settings.get(key);
        if (setting == null) {
            return fallback;
        }
        if (setting.trimmed().isEmpty()) {
            throw setting.invalid(key, "a host name or IP address");
        }
        return setting.trimmed();
    }

    private static long number(Map<String, Setting> settings, String key, long fallback, long min, long max) {
        Setting setting = settings.get(key);
        if (setting == null) {
            return fallback;
        }
        String expected = max == Long.MAX_VALUE ? "a whole number >= " + min : "a whole number from " + min + " to " + max;
        long value;
        try {
            value = Long.parseLong(setting.trimmed());
        } catch (NumberFormatException e) {
            throw setting.invalid(key, expected);
        }
        if (value < min || value > max) {
            throw setting.invalid(key, expected);
        }
        return value;
    }

    private static long bodyLimit(Map<String, Setting> settings, long fallback) {
        Setting setting = settings.get(MAX_BODY_BYTES);
        if (setting != null && setting.trimmed().equalsIgnoreCase("unlimited")) {
            return UNLIMITED;
        }
        Map<String, Setting> numeric = setting == null ? Map.of() : Map.of(MAX_BODY_BYTES, setting);
        return number(numeric, MAX_BODY_BYTES, fallback, 1, Long.MAX_VALUE);
    }

    private static boolean bool(Map<String, Setting> settings, String key, boolean fallback) {
        Setting setting = settings.get(key);
        if (setting == null) {
            return fallback;
        }
        switch (setting.trimmed().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw setting.invalid(key, "true or false");
        }
    }

    /** One line for the startup log. */
    String describe() {
        return "threads=" + threads
                + " max-body-bytes=" + (maxBodyBytes == UNLIMITED ? "unlimited" : Long.toString(maxBodyBytes))
                + " read-timeout-ms=" + readTimeout.toMillis();
    }
}
