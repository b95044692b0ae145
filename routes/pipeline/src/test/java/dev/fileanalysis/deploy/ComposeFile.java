package dev.fileanalysis.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * {@code docker-compose.yml} as the tests read it: its services, with the short and long forms of
 * each key brought to one, and {@code ${VAR:-default}} interpolated as Compose would with none of
 * the variables set (the tests judge the file's defaults, not the environment of whoever runs them).
 */
final class ComposeFile {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private final Map<String, Object> root;

    private ComposeFile(Map<String, Object> root) {
        this.root = root;
    }

    static ComposeFile load(Path file) throws IOException {
        Object parsed = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromString(Files.readString(file));
        if (!(parsed instanceof Map<?, ?>)) {
            throw new IllegalStateException(file + " is not a YAML mapping");
        }
        return new ComposeFile(map(interpolate(parsed)));
    }

    Map<String, Service> services() {
        Map<String, Service> services = new LinkedHashMap<>();
        map(root.get("services")).forEach((name, definition) -> services.put(name, new Service(name, map(definition))));
        return services;
    }

    Service service(String name) {
        Service service = services().get(name);
        if (service == null) {
            throw new IllegalStateException("docker-compose.yml has no service '" + name + "'");
        }
        return service;
    }

    /** Top-level networks by name; {@code internal} is what the engine's isolation rests on. */
    Map<String, Map<String, Object>> networks() {
        Map<String, Map<String, Object>> networks = new LinkedHashMap<>();
        map(root.get("networks")).forEach((name, definition) -> networks.put(name, map(definition)));
        return networks;
    }

    boolean isInternal(String network) {
        return Boolean.TRUE.equals(networks().getOrDefault(network, Map.of()).get("internal"));
    }

    record Service(String name, Map<String, Object> definition) {

        Map<String, String> environment() {
            Map<String, String> environment = new LinkedHashMap<>();
            Object value = definition.get("environment");
            if (value instanceof Map<?, ?> entries) {
                entries.forEach((key, entry) -> environment.put(key.toString(), entry == null ? "" : entry.toString()));
            } else if (value instanceof List<?> entries) {
                for (Object entry : entries) {
                    String text = entry.toString();
                    int equals = text.indexOf('=');
                    environment.put(equals < 0 ? text : text.substring(0, equals), equals < 0 ? "" : text.substring(equals + 1));
                }
            }
            return environment;
        }

        /** The networks it joins: Compose's {@code default} network when it names none. */
        List<String> networks() {
            Object value = definition.get("networks");
            if (value == null) {
                return definition.containsKey("network_mode") ? List.of() : List.of("default");
            }
            return value instanceof Map<?, ?> entries ? entries.keySet().stream().map(Object::toString).toList() : strings(value);
        }

        /** Extra names the service answers to on each network. */
        List<String> aliases() {
            List<String> aliases = new ArrayList<>();
            if (definition.get("networks") instanceof Map<?, ?> entries) {
                for (Object network : entries.values()) {
                    if (network instanceof Map<?, ?> settings) {
                        aliases.addAll(strings(settings.get("aliases")));
                    }
                }
            }
            return aliases;
        }

        Optional<String> networkMode() {
            return Optional.ofNullable(definition.get("network_mode")).map(Object::toString);
        }

        /** Published ports, each as {@code [HOST_IP:][HOST_PORT:]CONTAINER_PORT} or the long form's target. */
        List<String> ports() {
            List<String> ports = new ArrayList<>();
            for (Object port : list(definition.get("ports"))) {
                ports.add(port instanceof Map<?, ?> longForm ? String.valueOf(longForm.get("target")) : port.toString());
            }
            return ports;
        }

        /** Ports the service listens on inside its network: {@code expose} and the container side of {@code ports}. */
        List<Integer> containerPorts() {
            List<Integer> ports = new ArrayList<>();
            for (String exposed : strings(definition.get("expose"))) {
                ports.add(Integer.parseInt(exposed.replaceAll("/.*", "")));
            }
            for (String published : ports()) {
                String[] parts = published.replaceAll("/.*", "").split(":");
                int port = Integer.parseInt(parts[parts.length - 1]);
                if (!ports.contains(port)) {
                    ports.add(port);
                }
            }
            return ports;
        }

        /** Each dependency with its condition ({@code service_started} for the short list form). */
        Map<String, String> dependsOn() {
            Map<String, String> dependencies = new LinkedHashMap<>();
            Object value = definition.get("depends_on");
            if (value instanceof Map<?, ?> entries) {
                entries.forEach((name, settings) -> dependencies.put(name.toString(),
                        settings instanceof Map<?, ?> details && details.get("condition") != null
                                ? details.get("condition").toString() : "service_started"));
            } else {
                strings(value).forEach(name -> dependencies.put(name, "service_started"));
            }
            return dependencies;
        }

        /** The Dockerfile of its image, relative to the repository root (the build context). */
        Optional<String> dockerfile() {
            Object build = definition.get("build");
            if (build instanceof Map<?, ?>) {
                Map<String, Object> settings = map(build);
                String context = String.valueOf(settings.getOrDefault("context", "."));
                if (!context.equals(".")) {
                    throw new IllegalStateException("service " + name + " builds from context " + context + ", not the repository root");
                }
                return Optional.of(String.valueOf(settings.getOrDefault("dockerfile", "Dockerfile")));
            }
            return build == null ? Optional.empty() : Optional.of("Dockerfile");
        }

        Optional<String> image() {
            return Optional.ofNullable(definition.get("image")).map(Object::toString);
        }

        /** A health check of its own in the compose file, unless disabled there. */
        Optional<Map<String, Object>> healthcheck() {
            Map<String, Object> healthcheck = map(definition.get("healthcheck"));
            if (healthcheck.isEmpty() || Boolean.TRUE.equals(healthcheck.get("disable"))) {
                return Optional.empty();
            }
            return Optional.of(healthcheck);
        }

        int replicas() {
            Object replicas = map(definition.get("deploy")).get("replicas");
            return replicas == null ? 1 : Integer.parseInt(replicas.toString());
        }

        /** {@code deploy.resources.limits.memory}, in bytes. */
        Optional<Long> memoryLimit() {
            Object limit = map(map(map(definition.get("deploy")).get("resources")).get("limits")).get("memory");
            return limit == null ? Optional.empty() : Optional.of(bytes(limit.toString()));
        }

        /** Volumes in short form, {@code SOURCE:TARGET[:MODE]}. */
        List<String> volumes() {
            return strings(definition.get("volumes"));
        }

        List<String> profiles() {
            return strings(definition.get("profiles"));
        }

        Optional<String> user() {
            return Optional.ofNullable(definition.get("user")).map(Object::toString);
        }

        boolean has(String key) {
            return definition.containsKey(key);
        }

        Object get(String key) {
            return definition.get(key);
        }
    }

    static long bytes(String size) {
        Matcher matcher = Pattern.compile("(?i)(\\d+)\\s*([kmg]?)b?").matcher(size.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a Compose byte size: " + size);
        }
        long number = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2).toLowerCase()) {
            case "k" -> number << 10;
            case "m" -> number << 20;
            case "g" -> number << 30;
            default -> number;
        };
    }

    private static Object interpolate(Object value) {
        if (value instanceof String text) {
            return substitute(text);
        }
        if (value instanceof Map<?, ?> entries) {
            Map<String, Object> copy = new LinkedHashMap<>();
            entries.forEach((key, entry) -> copy.put(key.toString(), interpolate(entry)));
            return copy;
        }
        if (value instanceof List<?> entries) {
            return entries.stream().map(ComposeFile::interpolate).toList();
        }
        return value;
    }

    /** Compose's interpolation with no variable set: a default if given, else empty. */
    static String substitute(String text) {
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String replacement;
            if (matcher.group().equals("$$")) {
                replacement = "$";
            } else if (matcher.group(2) != null && matcher.group(2).endsWith("-")) {
                replacement = matcher.group(3);
            } else if (matcher.group(2) != null) {
                throw new IllegalStateException("docker-compose.yml requires variable " + matcher.group(1) + ": " + text);
            } else {
                replacement = "";
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> entries ? entries : List.of();
    }

    private static List<String> strings(Object value) {
        return list(value).stream().map(Object::toString).toList();
    }
}
