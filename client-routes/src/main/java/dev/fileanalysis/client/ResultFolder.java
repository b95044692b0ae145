package dev.fileanalysis.client;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The results folder, written so that a crash never leaves a half-written result under a real
 * name and a result already there is recognised: bytes go to a hidden temporary file first
 * (fsync'd), then are moved under a name that is free (an earlier result is never overwritten),
 * then the folder is fsync'd so the move survives a power cut.
 */
class ResultFolder {

    /** Writes bytes durably to a file; replaceable in tests to play a full disk. */
    @FunctionalInterface
    interface Writer {
        void write(Path file, byte[] bytes) throws IOException;
    }

    private final Path folder;
    private final Writer writer;

    ResultFolder(Path folder) {
        this(folder, ClientJournal::writeDurably);
    }

    ResultFolder(Path folder, Writer writer) {
        this.folder = folder;
        this.writer = writer;
    }

    Path folder() {
        return folder;
    }

    Path resolve(String name) {
        return folder.resolve(name);
    }

    /** Writes the bytes to the hidden temporary file of {@code id}; a full disk leaves no partial file behind. */
    Path stage(String id, byte[] bytes) throws IOException {
        Files.createDirectories(folder);
        Path temporary = folder.resolve("." + id + ".tmp");
        try {
            writer.write(temporary, bytes);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        return temporary;
    }

    /** Deletes the hidden temporary file of {@code id}, if there is one. */
    void discardStaged(String id) throws IOException {
        Files.deleteIfExists(folder.resolve("." + id + ".tmp"));
    }

    /**
     * The first free name of NAME.json, NAME (2).json, NAME (3).json, ..., each shortened to fit
     * the file system's limit on a name ({@link ResultName#fit}).
     */
    String freeName(String base) {
        for (int attempt = 1; ; attempt++) {
            String candidate = ResultName.fit(base, attempt == 1 ? ".json" : " (" + attempt + ").json");
            if (!Files.exists(folder.resolve(candidate), LinkOption.NOFOLLOW_LINKS)) {
                return candidate;
            }
        }
    }

    /** Moves the staged file under {@code name}; false when the name is taken (nothing is overwritten). */
    boolean publish(Path staged, String name) throws IOException {
        try {
            // Without REPLACE_EXISTING the move refuses a taken name.
            publishMove(staged, folder.resolve(name));
        } catch (FileAlreadyExistsException taken) {
            return false;
        }
        ClientJournal.syncFolder(folder);
        return true;
    }

    /**
     * Puts the staged file under {@code target} only if that name is free, atomically: a hard link
     * fails if the name exists (link(2) is one step, where a move checks and then renames), so
     * results written at the same time can never take the same name. Where the file system has no
     * hard links, a move that refuses a taken name.
     */
    void publishMove(Path staged, Path target) throws IOException {
        try {
            Files.createLink(target, staged);
        } catch (FileAlreadyExistsException taken) {
            throw taken;
        } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
            Files.move(staged, target);
            return;
        }
        Files.delete(staged);
    }

    /** Whether {@code name} holds exactly these bytes: the result was written before a crash. */
    boolean holds(String name, byte[] bytes) throws IOException {
        try {
            return Arrays.equals(Files.readAllBytes(folder.resolve(name)), bytes);
        } catch (NoSuchFileException absent) {
            return false;
        }
    }
}
