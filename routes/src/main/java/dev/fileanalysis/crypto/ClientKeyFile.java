package dev.fileanalysis.crypto;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.Set;

/**
 * The device's key pair on disk: {@code {"publicKey": "<130 hex>", "privateKey": "<64 hex>"}}, mode 0600.
 *
 * <p>The file is the only copy of the key that can read this device's results, so it is created
 * once, never rewritten, and a damaged file is an error for a person to look at rather than
 * something to silently replace (which would orphan every result still on its way).
 */
public final class ClientKeyFile {

    private static final String FORMAT = "{\"publicKey\": \"<130 hex>\", \"privateKey\": \"<64 hex>\"}";
    private static final long MAX_BYTES = 4096;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ClientKeyFile() {
    }

    /** Loads the key pair at {@code file}, or generates one and writes it there if there is no file yet. */
    public static ClientKeyPair loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return load(file);
        }
        ClientKeyPair generated = ClientKeyPair.generate();
        if (publish(file, generated)) {
            return generated;
        }
        // Another process created the file between our check and our write: its key is the key.
        return load(file);
    }

    /** Loads an existing key file; a missing or malformed file is an IOException naming it. */
    public static ClientKeyPair load(Path file) throws IOException {
        byte[] content;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw malformed(file, "larger than " + MAX_BYTES + " bytes");
            }
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no client key file there");
        }
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JsonProcessingException e) {
            throw malformed(file, "not JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || root.isMissingNode()) {
            throw malformed(file, "empty");
        }
        if (!root.isObject()) {
            throw malformed(file, "not a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("publicKey") && !name.equals("privateKey")) {
                throw malformed(file, "unexpected field \"" + name + "\"");
            }
        }
        String publicHex = text(file, root, "publicKey");
        String privateHex = text(file, root, "privateKey");
        try {
            return ClientKeyPair.fromHex(publicHex, privateHex);
        } catch (IllegalArgumentException e) {
            throw malformed(file, e.getMessage());
        }
    }

    private static String text(Path file, JsonNode root, String field) throws IOException {
        JsonNode value = root.get(field);
        if (value == null) {
            throw malformed(file, "field \"" + field + "\" is missing");
        }
        if (!value.isTextual()) {
            throw malformed(file, "field \"" + field + "\" is not a string");
        }
        return value.textValue();
    }

    private static IOException malformed(Path file, String detail) {
        return new IOException(file + ": not a valid client key file (expected " + FORMAT + "): " + detail);
    }

    /**
     * Writes a private temp file in the target's directory and publishes it with a hard link, which
     * fails if the target exists: unlike rename, it can never replace a key another process just
     * wrote. The temp file is born 0600, so the key is never readable by others, not even briefly.
     *
     * @return false if the file already existed, in which case nothing was changed
     */
    private static boolean publish(Path file, ClientKeyPair keys) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        byte[] content = ("{\"publicKey\": \"" + keys.publicKey().hex() + "\", \"privateKey\": \""
                + keys.privateKeyHex() + "\"}").getBytes(StandardCharsets.US_ASCII);
        Path temp = createOwnerOnlyTempFile(dir);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                // Durable before visible: a crash must not leave an empty key file that we then refuse to use.
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

    private static Path createOwnerOnlyTempFile(Path dir) throws IOException {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Files.createTempFile(dir, ".client-key-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        // Not POSIX (Windows): the user's directory ACLs are what protect the file there.
        return Files.createTempFile(dir, ".client-key-", ".tmp");
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
