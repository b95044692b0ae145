package dev.fileanalysis.crypto;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;

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

    private static boolean publish(Path file, ClientKeyPair keys) throws IOException {
        return PrivateFile.createOnce(file, ("{\"publicKey\": \"" + keys.publicKey().hex() + "\", \"privateKey\": \""
                + keys.privateKeyHex() + "\"}").getBytes(StandardCharsets.US_ASCII));
    }
}
