package dev.fileanalysis.server.refusal;

/** The request or the file it announces is larger than the server or the plan accepts. */
public final class TooLargeException extends RefusalException {

    public TooLargeException(String sentence) {
        super(sentence);
    }
}
