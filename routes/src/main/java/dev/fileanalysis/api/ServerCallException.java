package dev.fileanalysis.api;

import java.io.IOException;

/** The server refused or failed a call; {@link #status()} is the HTTP status, the message the server's sentence. */
public class ServerCallException extends IOException {

    private final int status;

    public ServerCallException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** 5xx and 429 may succeed if tried again; 4xx will not. */
    public boolean retryable() {
        return status >= 500 || status == 429;
    }
}
