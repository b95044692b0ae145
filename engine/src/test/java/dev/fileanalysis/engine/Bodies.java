package dev.fileanalysis.engine;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Deterministic bodies generated on the fly, so multi-MiB uploads never sit in test memory. */
final class Bodies {
    private Bodies() {
    }

    static InputStream generated(long size, long seed) {
        // Content and read sizes come from separate generators: the bytes must not depend on how
        // the reader slices them.
        SplittableRandom content = new SplittableRandom(seed);
        SplittableRandom sizes = new SplittableRandom(~seed);
        return new InputStream() {
            private long remaining = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (remaining == 0) {
                    return -1;
                }
                // Odd, varying read sizes so chunk boundaries fall anywhere.
                int n = (int) Math.min(remaining, Math.min(length, 1 + sizes.nextInt(100_000)));
                for (int i = 0; i < n; i++) {
                    buffer[offset + i] = (byte) content.nextInt(256);
                }
                remaining -= n;
                return n;
            }
        };
    }

    static String sha256Hex(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) != -1) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
