package dev.fileanalysis.server;

import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.server.refusal.InvalidRequestException;
import dev.fileanalysis.server.refusal.TooLargeException;

/** Request bodies as JSON objects, with errors that say what was wrong instead of a parser trace. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** Requests other than results are small; anything larger is refused before parsing. */
    public static final int MAX_REQUEST_CHARS = 64 * 1024;

    /** Parses a JSON object of at most {@link #MAX_REQUEST_CHARS} and refuses any field outside {@code allowed}. */
    public static Map<String, Object> object(String body, String what, Set<String> allowed) {
        return object(body, what, allowed, MAX_REQUEST_CHARS);
    }

    public static Map<String, Object> object(String body, String what, Set<String> allowed, int maxChars) {
        if (body != null && body.length() > maxChars) {
            throw new TooLargeException("The " + what + " is " + body.length() + " characters long; at most " + maxChars
                    + " are accepted.");
        }
        if (body == null || body.isBlank()) {
            throw new InvalidRequestException("The request body must be a JSON object describing the " + what + ".");
        }
        Map<String, Object> object;
        try {
            object = MAPPER.readValue(body, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("The " + what + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (object == null) {
            throw new InvalidRequestException("The " + what + " must be a JSON object, not null.");
        }
        for (String field : object.keySet()) {
            if (!allowed.contains(field)) {
                throw new InvalidRequestException("Unknown field '" + field + "' in the " + what + "; allowed: " + allowed + ".");
            }
        }
        return object;
    }

    public static String string(Map<String, Object> object, String field, String what) {
        Object value = object.get(field);
        if (!(value instanceof String text) || text.isEmpty()) {
            throw new InvalidRequestException("Field '" + field + "' of the " + what + " must be a non-empty string.");
        }
        return text;
    }

    public static int integer(Map<String, Object> object, String field, String what, int min, int max) {
        Object value = object.get(field);
        if (!(value instanceof Integer number) || number < min || number > max) {
            throw new InvalidRequestException("Field '" + field + "' of the " + what + " must be a whole number from "
                    + min + " to " + max + ".");
        }
        return number;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write JSON: " + e.getMessage(), e);
        }
    }
}
