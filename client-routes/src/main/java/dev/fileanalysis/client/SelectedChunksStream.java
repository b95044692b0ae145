package dev.fileanalysis.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bytes of some chunks of a file, one after the other, so that the chunk pipeline sees the
 * chunks still to send as if they were a whole file (a resumed upload skips the ones that landed
 * without reading or compressing them). Every chunk but the file's last is exactly
 * {@code chunkBytes}, so the pipeline's n-th slice is exactly {@code indexes.get(n)}.
 *
 * <p>While a chunk is read it is hashed (SHA-256 of its original bytes, kept in the journal so a
 * resume can tell whether the file still holds what was sent), and once it is read the file is
 * looked at again: a file that changed, was replaced or removed stops the upload before the
 * chunk is handed on, so no byte of a new version ever joins an old version's chunks.
 */
final class SelectedChunksStream extends InputStream {

    private final FileChannel channel;
    private final Path path;
    private final String name;
    private final FileIdentity identity;
    private final int chunkBytes;
    private final List<Integer> indexes;
    private final Map<Integer, String> hashes = new ConcurrentHashMap<>();
    private final MessageDigest digest;

    private int current = -1;
    private long position;
    private long remaining;

    SelectedChunksStream(FileChannel channel, Path path, FileIdentity identity, int chunkBytes, List<Integer> indexes) {
        this.channel = channel;
        this.path = path;
        this.name = path.getFileName().toString();
        this.identity = identity;
        this.chunkBytes = chunkBytes;
        this.indexes = indexes;
        this.digest = sha256();
        advance();
    }

    /** SHA-256 (hex) of the original bytes of chunk {@code index}, once it has been read; removed when taken. */
    String takeHash(int index) {
        return hashes.remove(index);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (current < indexes.size() && remaining == 0) {
            finishChunk();
        }
        if (current >= indexes.size()) {
            return -1;
        }
        int wanted = (int) Math.min(length, remaining);
        int n = channel.read(ByteBuffer.wrap(buffer, offset, wanted), position);
        if (n < 0) {
            throw new FileChangedException(name + " became shorter while it was being sent (it ended at byte "
                    + position + " of " + identity.size() + ")", false);
        }
        digest.update(buffer, offset, n);
        position += n;
        remaining -= n;
        if (remaining == 0) {
            finishChunk();
        }
        return n;
    }

    private void finishChunk() throws IOException {
        int index = indexes.get(current);
        hashes.put(index, HexFormat.of().formatHex(digest.digest()));
        checkUnchanged();
        advance();
    }

    private void advance() {
        current++;
        if (current < indexes.size()) {
            int index = indexes.get(current);
            position = (long) index * chunkBytes;
            remaining = Math.max(0, Math.min(chunkBytes, identity.size() - position));
        }
    }

    /** Fails if the file at the path is no longer the one being sent. */
    private void checkUnchanged() throws IOException {
        FileIdentity now;
        try {
            now = FileIdentity.of(path);
        } catch (NoSuchFileException gone) {
            throw new FileChangedException(name + " was removed from the drop folder while it was being sent", true);
        }
        if (!now.equals(identity)) {
            throw new FileChangedException(name + " changed while it was being sent", false);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
