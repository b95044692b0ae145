package dev.fileanalysis.client;

import java.io.IOException;

/**
 * The server or storage could not be reached, or answered that it is overloaded or broken (5xx,
 * 429), after the call's own retries: a condition that may clear by waiting. The upload waits
 * and tries again later instead of failing the file.
 */
public final class ServerUnavailableException extends IOException {

    public ServerUnavailableException(String what, IOException cause) {
        super(what + ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
    }
}
