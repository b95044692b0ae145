package dev.fileanalysis.client;

import java.io.IOException;

/**
 * The file being sent is no longer the one the upload started with: it was changed, replaced,
 * shortened, or ({@link #gone()}) removed. The upload stops before a byte of the new version joins
 * chunks of the old one.
 */
final class FileChangedException extends IOException {

    private final boolean gone;

    FileChangedException(String message, boolean gone) {
        super(message);
        this.gone = gone;
    }

    boolean gone() {
        return gone;
    }
}
