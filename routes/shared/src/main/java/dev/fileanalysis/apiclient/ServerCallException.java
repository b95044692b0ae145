package dev.fileanalysis.apiclient;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The server refused or failed a call; {@link #status()} is the HTTP status, the message the server's sentence. */
public class ServerCallException extends IOException {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int status;
    private final String sentence;

    public ServerCallException(int status, String message) {
        this(status, message, message);
    }

    /**
     * @param sentence the server's own words ({@code {"error": "..."}}), what a person at a
     *                 command line is shown; {@code message} adds the call for logs
     */
    public ServerCallException(int status, String message, String sentence) {
        super(message);
        this.status = status;
        this.sentence = sentence;
    }

    public int status() {
        return status;
    }

    /** The server's sentence alone, without the method and path. */
    public String sentence() {
        return sentence;
    }

    /** 5xx and 429 may succeed if tried again; 4xx will not. */
    public boolean retryable() {
        return status >= 500 || status == 429;
    }

    /** The {@code error} of a JSON error body, or the (abbreviated) body itself when it is not one. */
    public static String sentenceOf(String body) {
        try {
            JsonNode error = JSON.readTree(body).path("error");
            if (error.isTextual() && !error.asText().isBlank()) {
                return error.asText();
            }
        } catch (IOException notJson) {
            // fall through: show what the server said
        }
        return TokenSource.abbreviate(body);
    }
}
