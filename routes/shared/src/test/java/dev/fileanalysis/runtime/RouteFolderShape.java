package dev.fileanalysis.runtime;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What keeps a role's route folder runnable on its own, as the Apache Camel JBang examples are
 * (a test fixture the roles' tests use): each {@code *.camel.yaml} opens with a comment saying
 * what business step it performs, is written in block style only, and gives every
 * {@code {{placeholder}}} a default equal to the value the folder's {@code application.properties}
 * gives it, so the routes run with or without that file and mean the same either way.
 */
public final class RouteFolderShape {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^}:]+)(?::([^}]*))?}}");
    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'");
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{[^}]*}|\\{\\{[^}]*}}");

    private RouteFolderShape() {
    }

    /** Every way the folder's route files fall short, one sentence each; empty when they are all right. */
    public static List<String> problems(Path routeFolder) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(routeFolder.resolve("application.properties"))) {
            properties.load(in);
        }
        List<String> problems = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> listed = Files.list(routeFolder)) {
            files = listed.filter(file -> file.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
        if (files.isEmpty()) {
            problems.add("no *.camel.yaml files in " + routeFolder);
        }
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            String name = file.getFileName().toString();
            if (lines.isEmpty() || !lines.get(0).startsWith("#")) {
                problems.add(name + " does not open with a comment saying what business step it performs");
            }
            for (int number = 1; number <= lines.size(); number++) {
                String line = lines.get(number - 1);
                String where = name + ":" + number;
                Matcher placeholder = PLACEHOLDER.matcher(line);
                while (placeholder.find()) {
                    String key = placeholder.group(1);
                    String fallback = placeholder.group(2);
                    String configured = properties.getProperty(key);
                    if (fallback == null) {
                        problems.add(where + ": {{" + key + "}} has no default (write {{" + key + ":"
                                + (configured == null ? "…" : resolve(configured, properties)) + "}})");
                    } else if (configured == null) {
                        problems.add(where + ": " + key + " is not in application.properties");
                    } else if (!unescapeYaml(fallback).equals(resolve(configured, properties))) {
                        problems.add(where + ": the default of " + key + " is '" + unescapeYaml(fallback)
                                + "' but application.properties gives '" + resolve(configured, properties) + "'");
                    }
                }
                String code = EXPRESSION.matcher(QUOTED.matcher(line).replaceAll("\"\"")).replaceAll("");
                int comment = code.indexOf('#');
                if (comment >= 0) {
                    code = code.substring(0, comment);
                }
                if (code.contains("{") || code.contains("[")) {
                    problems.add(where + " uses YAML flow style ({...} or [...]); write it in block style");
                }
            }
        }
        return problems;
    }

    /** A property's value with the folder's own placeholders in it resolved ({@code {{pipeline.data}}/drop}). */
    private static String resolve(String value, Properties properties) {
        Matcher placeholder = PLACEHOLDER.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (placeholder.find()) {
            String nested = properties.getProperty(placeholder.group(1), placeholder.group(2));
            placeholder.appendReplacement(resolved, Matcher.quoteReplacement(
                    nested == null ? placeholder.group() : resolve(nested, properties)));
        }
        placeholder.appendTail(resolved);
        return resolved.toString();
    }

    /** The route files quote their values in double quotes, where a backslash is written twice. */
    private static String unescapeYaml(String text) {
        return text.replace("\\\\", "\\");
    }
}
