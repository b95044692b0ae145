package dev.fileanalysis.server;

/**
 * A refusal the API reports to its caller as an HTTP status and a sentence that says what was
 * wrong and, where it can, what to do about it.
 */
public class ApiException extends RuntimeException {

    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Fields a caller can act on besides the sentence (e.g. a quota's limit and reset time); none by default. */
    public java.util.Map<String, Object> details() {
        return java.util.Map.of();
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message);
    }
}
