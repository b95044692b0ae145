package dev.fileanalysis.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

/**
 * The server's session signing keys on disk ({@link SessionKeys#FILE_SETTING}): a JWK set of EC
 * P-256 keys, mode 0600, made with one new key when missing. What the set must hold is
 * {@link SessionKeys#validated}'s; keys after the first may be public only (verifying tokens they
 * signed before they were retired).
 */
final class SessionKeyFile {

    private static final long MAX_BYTES = 1024 * 1024;

    private SessionKeyFile() {
    }

    static List<ECKey> loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                ECKey key = generate();
                String content = new JWKSet(key).toString(false);
                if (dev.fileanalysis.crypto.PrivateFile.createOnce(file, content.getBytes(StandardCharsets.UTF_8))) {
                    return List.of(key);
                }
                // Another server process created the file first: its key is the key.
            }
            return load(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the session key file " + file + ": " + e.getMessage(), e);
        }
    }

    static ECKey generate() {
        try {
            // The key id is the RFC 7638 thumbprint: stable, unique, and derivable by anyone holding the public key.
            return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("This JVM cannot generate an EC P-256 key", e);
        }
    }

    private static List<ECKey> load(Path file) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw malformed(file, "larger than " + MAX_BYTES + " bytes");
        }
        JWKSet set;
        try {
            set = JWKSet.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw malformed(file, e.getMessage());
        }
        return SessionKeys.validated(set, detail -> {
            IOException malformed = malformed(file, detail);
            return new UncheckedIOException("Cannot read the session key file " + file + ": " + malformed.getMessage(), malformed);
        });
    }

    private static IOException malformed(Path file, String detail) {
        return new IOException(file + " is not a valid session key file (a JWK set of EC P-256 keys): " + detail);
    }

}
