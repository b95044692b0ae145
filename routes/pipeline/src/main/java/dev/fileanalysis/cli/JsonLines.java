package dev.fileanalysis.cli;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** The server's JSON as short lines a person reads: lists one item a line, objects one field a line. */
final class JsonLines {

    private JsonLines() {
    }

    /** The array under {@code field} of an object answer, or the answer itself when it is the array. */
    static JsonNode items(JsonNode answer, String field) {
        if (answer == null) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        }
        return answer.isArray() ? answer : answer.path(field);
    }

    /** {@code key: value} for every field, nested objects as {@code key.sub: value}. */
    static void fields(PrintWriter out, JsonNode node) {
        fields(out, "", node);
    }

    private static void fields(PrintWriter out, String prefix, JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                fields(out, prefix + field.getKey() + ".", value);
            } else if (value.isArray()) {
                StringBuilder joined = new StringBuilder();
                for (JsonNode element : value) {
                    if (joined.length() > 0) {
                        joined.append(", ");
                    }
                    joined.append(element.isValueNode() ? element.asText() : element.toString());
                }
                out.println(prefix + field.getKey() + ": " + joined);
            } else {
                out.println(prefix + field.getKey() + ": " + value.asText());
            }
        }
    }

    /** The given fields of {@code node}, two spaces apart, missing ones as "-". */
    static String line(JsonNode node, String... names) {
        StringBuilder line = new StringBuilder();
        for (String name : names) {
            if (line.length() > 0) {
                line.append("  ");
            }
            String value = node.path(name).asText("");
            line.append(value.isEmpty() ? "-" : value);
        }
        return line.toString();
    }
}
