package dev.fileanalysis.server;

import java.math.BigInteger;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.server.refusal.InvalidRequestException;

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

    /**
     * A whole-number field of a checked request, or null when the request lacks it. The document says
     * it is a whole number; one beyond a long (which JSON allows) is refused here rather than wrapped.
     */
    public static Long number(Map<String, Object> request, String field) {
        Object value = request == null ? null : request.get(field);
        if (value == null) {
            return null;
        }
        if (value instanceof BigInteger big && big.bitLength() >= Long.SIZE) {
            throw new InvalidRequestException("Field '" + field + "' is " + big + ", far beyond what this server takes.");
        }
        return ((Number) value).longValue();
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write JSON: " + e.getMessage(), e);
        }
    }
}
