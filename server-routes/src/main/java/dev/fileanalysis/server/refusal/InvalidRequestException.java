package dev.fileanalysis.server.refusal;

/** The request itself is wrong: a malformed body, a field out of range, an unknown name. */
public final class InvalidRequestException extends RefusalException {

    public InvalidRequestException(String sentence) {
        super(sentence);
    }
}
