package dev.fileanalysis.crypto;

import java.security.GeneralSecurityException;

/**
 * A job whose signature does not prove that its own client made it. Checked, like Tink's
 * GeneralSecurityException, so a caller cannot forget that verification can fail.
 */
public class JobSignatureException extends GeneralSecurityException {

    private static final long serialVersionUID = 1L;

    public JobSignatureException(String message) {
        super(message);
    }

    public JobSignatureException(String message, Throwable cause) {
        super(message, cause);
    }
}
