package dev.fileanalysis.server.refusal;

/** The caller is known but may not do this (their role, another person's job, the last owner leaving). */
public final class NotPermittedException extends RefusalException {

    public NotPermittedException(String sentence) {
        super(sentence);
    }
}
