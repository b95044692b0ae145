package dev.fileanalysis.server.refusal;

import java.util.Map;

/**
 * A request the server will not carry out, with a sentence that says what was wrong and, where it
 * can, what to do about it. Each kind is named for what happened; the HTTP layer alone
 * ({@code ErrorResponses}) turns a kind into a status.
 */
public abstract class RefusalException extends RuntimeException {

    protected RefusalException(String sentence) {
        super(sentence);
    }

    /** Fields a caller can act on besides the sentence (e.g. a quota's limit and reset time); none by default. */
    public Map<String, Object> details() {
        return Map.of();
    }
}
