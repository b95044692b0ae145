package dev.fileanalysis.server.refusal;

/** The request clashes with the current state (a job already held, a name already claimed, a lease lost); it may succeed once that changes. */
public final class ConflictException extends RefusalException {

    public ConflictException(String sentence) {
        super(sentence);
    }
}
