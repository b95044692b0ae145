package dev.fileanalysis.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Creates a file that holds a secret (a device key, the server's session keys) exactly once, even
 * when two processes race to create it: the content goes to an owner-only temp file beside the
 * target, is synced, and is then published with a hard link, which fails if the target exists;
 * unlike a rename, it can never replace what another process just wrote. The temp file is born
 * 0600, so the secret is never readable by others, not even briefly.
 */
public final class PrivateFile {

    private PrivateFile() {
    }

    /** @return false if the file already existed, in which case nothing was changed */
    public static boolean createOnce(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = createOwnerOnlyTempFile(dir, "." + file.getFileName() + "-");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                // Durable before visible: a crash must not leave an empty secret file that is then refused.
                channel.force(true);
            }
            try {
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | FileSystemException e) {
                // No hard links on this file system: an atomic rename is the next best publish.
                if (Files.exists(file)) {
                    return false;
                }
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(dir);
        return true;
    }

    private static Path createOwnerOnlyTempFile(Path dir, String prefix) throws IOException {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        // Not POSIX (Windows): the user's directory ACLs are what protect the file there.
        return Files.createTempFile(dir, prefix, ".tmp");
    }

    /** So the new directory entry survives a power cut; not every platform can open a directory. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Best effort only: the file itself is already synced.
        }
    }
}
