package dev.fileanalysis.client;

import java.io.IOException;

/**
 * An upload the client started could not be finished. The journal entry {@link #entry()} records
 * it as FAILED with this message, which is what the person reads in the result file.
 */
public final class UploadFailedException extends IOException {

    private final String entry;

    UploadFailedException(String entry, String message, Throwable cause) {
        super(message, cause);
        this.entry = entry;
    }

    public String entry() {
        return entry;
    }
}
