package dev.fileanalysis.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Dockerfile as the tests read it: its stages and, for the final one (the image that runs), the
 * instructions that decide what runs and how: FROM, USER, ENV, ARG, COPY, HEALTHCHECK, ENTRYPOINT.
 * Exec-form (JSON) ENTRYPOINT and HEALTHCHECK CMD are required: the shell form would put a shell
 * between the container's stop signal and the JVM.
 */
final class Dockerfile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final List<Stage> stages;

    private Dockerfile(Path file, List<Stage> stages) {
        this.file = file;
        this.stages = stages;
    }

    static Dockerfile load(Path file) throws IOException {
        List<Stage> stages = new ArrayList<>();
        for (String line : logicalLines(Files.readAllLines(file))) {
            String[] parts = line.trim().split("\\s+", 2);
            String keyword = parts[0].toUpperCase(Locale.ROOT);
            String arguments = parts.length > 1 ? parts[1].trim() : "";
            if (keyword.equals("FROM")) {
                String[] from = arguments.split("\\s+");
                stages.add(new Stage(from[0], from.length == 3 && from[1].equalsIgnoreCase("AS") ? from[2] : null, new ArrayList<>()));
            } else if (stages.isEmpty()) {
                if (!keyword.equals("ARG")) {
                    throw new IllegalStateException(file + ": " + keyword + " before the first FROM");
                }
            } else {
                stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, arguments));
            }
        }
        if (stages.isEmpty()) {
            throw new IllegalStateException(file + " has no FROM");
        }
        return new Dockerfile(file, stages);
    }

    Path file() {
        return file;
    }

    List<Stage> stages() {
        return stages;
    }

    /** The stage the image is made of. */
    Stage image() {
        return stages.get(stages.size() - 1);
    }

    /** Every ARG name of every stage (and before the first FROM). */
    List<String> argNames() throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : logicalLines(Files.readAllLines(file))) {
            String[] parts = line.trim().split("\\s+", 2);
            if (parts[0].equalsIgnoreCase("ARG") && parts.length > 1) {
                names.add(parts[1].split("=", 2)[0].trim());
            }
        }
        return names;
    }

    record Instruction(String keyword, String arguments) {
    }

    record Copy(String fromStage, List<String> sources, String destination) {
    }

    record Healthcheck(Map<String, String> options, List<String> command) {
    }

    record Stage(String baseImage, String name, List<Instruction> instructions) {

        List<Instruction> all(String keyword) {
            return instructions.stream().filter(instruction -> instruction.keyword().equals(keyword)).toList();
        }

        Optional<String> user() {
            List<Instruction> users = all("USER");
            return users.isEmpty() ? Optional.empty() : Optional.of(users.get(users.size() - 1).arguments());
        }

        /** ENV of this stage, {@code KEY=VALUE} pairs (double quotes removed) or the old {@code KEY VALUE}. */
        Map<String, String> environment() {
            Map<String, String> environment = new LinkedHashMap<>();
            for (Instruction env : all("ENV")) {
                String text = env.arguments();
                if (!text.contains("=") || text.indexOf(' ') >= 0 && text.indexOf(' ') < text.indexOf('=')) {
                    String[] parts = text.split("\\s+", 2);
                    environment.put(parts[0], parts.length > 1 ? parts[1] : "");
                    continue;
                }
                for (String pair : splitOutsideQuotes(text)) {
                    int equals = pair.indexOf('=');
                    environment.put(pair.substring(0, equals), unquote(pair.substring(equals + 1)));
                }
            }
            return environment;
        }

        List<Copy> copies() {
            List<Copy> copies = new ArrayList<>();
            for (Instruction copy : all("COPY")) {
                List<String> words = new ArrayList<>(List.of(copy.arguments().split("\\s+")));
                String from = null;
                while (!words.isEmpty() && words.get(0).startsWith("--")) {
                    String option = words.remove(0);
                    if (option.startsWith("--from=")) {
                        from = option.substring("--from=".length());
                    }
                }
                String destination = words.remove(words.size() - 1);
                copies.add(new Copy(from, List.copyOf(words), destination));
            }
            return copies;
        }

        /** The exec-form ENTRYPOINT. */
        List<String> entrypoint() {
            List<Instruction> entrypoints = all("ENTRYPOINT");
            if (entrypoints.isEmpty()) {
                throw new IllegalStateException("no ENTRYPOINT");
            }
            return jsonArray("ENTRYPOINT", entrypoints.get(entrypoints.size() - 1).arguments());
        }

        Optional<Healthcheck> healthcheck() {
            List<Instruction> checks = all("HEALTHCHECK");
            if (checks.isEmpty()) {
                return Optional.empty();
            }
            String text = checks.get(checks.size() - 1).arguments();
            if (text.equalsIgnoreCase("NONE")) {
                return Optional.empty();
            }
            Map<String, String> options = new LinkedHashMap<>();
            String rest = text;
            while (rest.startsWith("--")) {
                String[] parts = rest.split("\\s+", 2);
                String[] option = parts[0].substring(2).split("=", 2);
                options.put(option[0], option.length > 1 ? option[1] : "");
                rest = parts.length > 1 ? parts[1].trim() : "";
            }
            if (!rest.regionMatches(true, 0, "CMD", 0, 3)) {
                throw new IllegalStateException("HEALTHCHECK without CMD: " + text);
            }
            return Optional.of(new Healthcheck(options, jsonArray("HEALTHCHECK CMD", rest.substring(3).trim())));
        }

        private static List<String> jsonArray(String what, String text) {
            try {
                return JSON.readValue(text, new TypeReference<List<String>>() { });
            } catch (IOException e) {
                throw new IllegalStateException(what + " is not in exec form (a JSON array of strings): " + text, e);
            }
        }
    }

    /** Joins lines continued with a trailing backslash and drops comments and blank lines. */
    private static List<String> logicalLines(List<String> lines) {
        List<String> logical = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || trimmed.isEmpty() && current.length() == 0) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                current.append(trimmed);
                logical.add(current.toString().trim());
                current.setLength(0);
            }
        }
        if (current.length() > 0) {
            logical.add(current.toString().trim());
        }
        return logical;
    }

    private static List<String> splitOutsideQuotes(String text) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (Character.isWhitespace(c) && !quoted) {
                if (current.length() > 0) {
                    parts.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            parts.add(current.toString());
        }
        return parts;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }
}
