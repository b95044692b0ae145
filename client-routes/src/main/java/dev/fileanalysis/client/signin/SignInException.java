package dev.fileanalysis.client.signin;

import java.io.IOException;

/**
 * A sign-in that did not complete: the person cancelled or the provider refused, the browser's
 * answer did not belong to this sign-in, nobody answered in time, or the server refused the ID
 * token. The message says which, for a person to read.
 */
public class SignInException extends IOException {

    public SignInException(String message) {
        super(message);
    }

    public SignInException(String message, Throwable cause) {
        super(message, cause);
    }
}
