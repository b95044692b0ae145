package dev.fileanalysis.server.refusal;

/** What the request names does not exist, or not for this caller. */
public final class NotFoundException extends RefusalException {

    public NotFoundException(String sentence) {
        super(sentence);
    }
}
