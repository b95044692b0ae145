package dev.fileanalysis.crypto;

import java.security.GeneralSecurityException;

/**
 * A result payload that cannot be trusted: malformed, encrypted to another key, or tampered with.
 * The cases are not told apart to the caller beyond the message, since none of them yields plaintext.
 */
public class PayloadAuthenticationException extends GeneralSecurityException {

    private static final long serialVersionUID = 1L;

    public PayloadAuthenticationException(String message) {
        super(message);
    }

    public PayloadAuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
