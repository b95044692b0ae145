package dev.fileanalysis.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What this device remembers of each job it started: the original file's name and size (which
 * never travel to the server) and, once written, where its result went. One small JSON file per
 * job under {@code DATA/state/jobs}, written atomically and fsync'd, so a restart still knows how
 * to name the results of jobs from earlier runs and never writes a result twice.
 */
public final class ClientJournal {

    private static final ObjectMapper JSON = new ObjectMapper();

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String job, String name, long size, String path, String resultFile) {
        Entry withResultFile(String file) {
            return new Entry(job, name, size, path, file);
        }
    }

    private final Path folder;

    public ClientJournal(Path stateFolder) {
        this.folder = stateFolder.resolve("jobs");
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the client's state folder " + folder, e);
        }
    }

    public void record(Entry entry) throws IOException {
        Path target = folder.resolve(entry.job() + ".json");
        Path temporary = folder.resolve(entry.job() + ".json.tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(entry)));
            channel.force(true);
        }
        try {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public Optional<Entry> find(String job) {
        Path file = folder.resolve(job + ".json");
        if (!job.matches("job-[0-9a-f-]{36}") || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), Entry.class));
        } catch (IOException e) {
            throw new UncheckedIOException("The client journal entry " + file + " is unreadable", e);
        }
    }

    public void markResultWritten(Entry entry, Path resultFile) throws IOException {
        record(entry.withResultFile(resultFile.getFileName().toString()));
    }
}
