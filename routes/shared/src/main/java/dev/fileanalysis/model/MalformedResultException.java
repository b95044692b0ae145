package dev.fileanalysis.model;

import java.io.IOException;

/**
 * A result decrypted fine but does not say what a result says (the job it answers, and its
 * answer or failure), or answers another job than the one it is filed under.
 */
public class MalformedResultException extends IOException {

    private static final long serialVersionUID = 1L;

    public MalformedResultException(String message) {
        super(message);
    }
}
