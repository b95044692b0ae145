package dev.fileanalysis.server.refusal;

/** The caller is nobody the server can trust: no token, or a token that failed a check; signing in again helps. */
public final class NotSignedInException extends RefusalException {

    public NotSignedInException(String sentence) {
        super(sentence);
    }
}
