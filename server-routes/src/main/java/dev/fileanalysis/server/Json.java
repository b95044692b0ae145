package dev.fileanalysis.server;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON for the server's own use. Request bodies are checked against openapi.yaml before a route
 * runs (ContractCheck) and arrive as maps whose fields have the types the document gives them;
 * these helpers read such fields.
 */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** A string field of a checked request, or null when the request lacks it. */
    public static String text(Map<String, Object> request, String field) {
        return request == null ? null : (String) request.get(field);
    }

    /** A whole-number field of a checked request, or null when the request lacks it. */
    public static Long number(Map<String, Object> request, String field) {
        return request == null || request.get(field) == null ? null : ((Number) request.get(field)).longValue();
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write JSON: " + e.getMessage(), e);
        }
    }
}
