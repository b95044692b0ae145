package dev.fileanalysis.soak;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * The soak's files, made from the seed alone so that a failing run can be replayed: sizes from
 * empty to a few MiB, half text-like (compressible), half random bytes.
 */
final class SoakFiles {

    private static final byte[] WORDS = ("pipeline chunk result engine upload analysis processor server client "
            + "2026-11-26T04:00:00.000Z INFO GET /api/jobs 200 {\"size\": 1234, \"sha256\": \"ab\"}\n")
            .getBytes(StandardCharsets.US_ASCII);

    private SoakFiles() {
    }

    static int size(long seed, int index) {
        SplittableRandom random = new SplittableRandom(seed * 31 + index);
        int bucket = random.nextInt(10);
        if (bucket == 0) {
            return random.nextInt(2);
        }
        if (bucket < 5) {
            return random.nextInt(64 * 1024);
        }
        if (bucket < 9) {
            return 64 * 1024 + random.nextInt(2 << 20);
        }
        return (2 << 20) + random.nextInt(6 << 20);
    }

    static byte[] content(long seed, int index) {
        SplittableRandom random = new SplittableRandom(seed * 7919 + index);
        byte[] bytes = new byte[size(seed, index)];
        if (random.nextBoolean()) {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = WORDS[(i + random.nextInt(3)) % WORDS.length];
            }
        } else {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) random.nextInt(256);
            }
        }
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
