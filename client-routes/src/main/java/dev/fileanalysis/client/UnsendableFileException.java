package dev.fileanalysis.client;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file the client will not send as it is (a folder, a link, a pipe, too large, unreadable). The
 * message names the file and says what to do; it is what the person reads in the FAILED result.
 */
public final class UnsendableFileException extends IOException {

    private final Path file;
    private final Long size;
    private final String reportKey;

    /**
     * @param reportKey what identifies this refusal, so the same thing is reported once however
     *                  often it is looked at (e.g. the kind of entry and its modification time)
     */
    public UnsendableFileException(Path file, Long size, String reportKey, String message) {
        super(message);
        this.file = file;
        this.size = size;
        this.reportKey = reportKey;
    }

    public Path file() {
        return file;
    }

    public Long size() {
        return size;
    }

    public String reportKey() {
        return reportKey;
    }
}
