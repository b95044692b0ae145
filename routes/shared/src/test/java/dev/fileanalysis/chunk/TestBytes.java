package dev.fileanalysis.chunk;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Test data for the chunk codec and the stages that carry chunks, made from a seed. */
public final class TestBytes {

    private TestBytes() {
    }

    /** Text with some random bytes in it: compressible, but not trivially. */
    public static byte[] mixed(int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] words = {"chunk", "frame", "zstd", "upload", "processor", "engine", "result", "the", "a", "of"};
        byte[] bytes = new byte[length];
        int at = 0;
        while (at < length) {
            byte[] piece;
            if (random.nextInt(8) == 0) {
                piece = new byte[random.nextInt(1, 32)];
                random.nextBytes(piece);
            } else {
                piece = (words[random.nextInt(words.length)] + " ").getBytes(StandardCharsets.US_ASCII);
            }
            int n = Math.min(piece.length, length - at);
            System.arraycopy(piece, 0, bytes, at, n);
            at += n;
        }
        return bytes;
    }
}
