package dev.fileanalysis.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * What tells one version of a file from another without reading it: size, modification time (in
 * nanoseconds, as precise as the file system keeps it) and file key (device and inode, so a file
 * replaced by another of the same size and time is a different file). The content hash of each
 * chunk, kept in the journal, catches what these miss.
 */
public record FileIdentity(long size, long modified, String key) {

    /** The identity of the regular file at {@code path}, links not followed. */
    public static FileIdentity of(Path path) throws IOException {
        return of(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    }

    public static FileIdentity of(BasicFileAttributes attributes) {
        Object key = attributes.fileKey();
        return new FileIdentity(attributes.size(), attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                key == null ? "" : key.toString());
    }

    /** The watch route's sent-files key uses size and modification time in milliseconds. */
    public boolean sameWatchKey(FileIdentity other) {
        return size == other.size && TimeUnit.NANOSECONDS.toMillis(modified) == TimeUnit.NANOSECONDS.toMillis(other.modified);
    }
}
