package dev.fileanalysis.client.signin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The stored session (session.json), readable by its owner only (0600).
 *
 * <p>It holds the only refresh token that still works, so it is replaced atomically: written to
 * a private temp file, synced, then renamed over the old one. A crash leaves either the old or
 * the new session, never half of one. Processes sharing it (the client role, the CLI) take
 * {@link #locked} around a refresh so that two never spend the same refresh token.
 */
public final class SessionFile {

    private static final long MAX_BYTES = 64 * 1024;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    // A FileLock is held per JVM, not per thread: threads of one process queue here first.
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path file;

    public SessionFile(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    public Path path() {
        return file;
    }

    public boolean exists() {
        return Files.exists(file);
    }

    /** The stored session; empty when there is none. A damaged file is an IOException naming it. */
    public Optional<StoredSession> read() throws IOException {
        byte[] content;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw malformed("larger than " + MAX_BYTES + " bytes");
            }
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        StoredSession session;
        try {
            session = JSON.readValue(content, StoredSession.class);
        } catch (JsonProcessingException e) {
            throw malformed("not a session (" + e.getOriginalMessage() + ")");
        }
        if (session == null || session.refreshToken() == null || session.refreshToken().isEmpty()) {
            throw malformed("no refresh_token");
        }
        return Optional.of(session);
    }

    /** Replaces the stored session atomically; the new file is owner-only from its first byte. */
    public void write(StoredSession session) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        byte[] content = JSON.writeValueAsBytes(session);
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp", ownerOnly(dir));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                // Durable before visible: after a power cut the rename must not point at an empty file.
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(dir);
    }

    public void delete() throws IOException {
        Files.deleteIfExists(file);
        syncDirectory(file.getParent());
    }

    @FunctionalInterface
    public interface Step<T> {
        T run() throws IOException, InterruptedException;
    }

    /**
     * Runs {@code step} holding this session's lock, across threads and processes (an OS lock
     * on a sibling {@code .lock} file, released however the process ends).
     */
    public <T> T locked(Step<T> step) throws IOException, InterruptedException {
        ReentrantLock threads = IN_PROCESS.computeIfAbsent(file, key -> new ReentrantLock());
        threads.lockInterruptibly();
        try {
            Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
            Files.createDirectories(file.getParent());
            if (!Files.exists(lockFile)) {
                try {
                    Files.createFile(lockFile, ownerOnly(file.getParent()));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another process made it first: the same lock
                }
            }
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                return step.run();
            }
        } finally {
            threads.unlock();
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path dir) {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)};
        }
        // Not POSIX (Windows): the user's profile ACLs are what protect the file there.
        return new FileAttribute<?>[0];
    }

    private IOException malformed(String detail) {
        return new IOException(file + ": not a valid session file (" + detail + "); delete it and run ./pipeline login");
    }

    /** So the rename survives a power cut; not every platform can open a directory. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Best effort only: the file itself is already synced.
        }
    }
}
