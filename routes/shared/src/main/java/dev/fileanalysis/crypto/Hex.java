package dev.fileanalysis.crypto;

import java.util.HexFormat;

/**
 * Lowercase hex, strictly: keys and client ids are identities compared as strings, so accepting
 * upper case would give one key two names.
 */
final class Hex {

    private static final HexFormat LOWER = HexFormat.of();

    private Hex() {
    }

    static String encode(byte[] bytes) {
        return LOWER.formatHex(bytes);
    }

    /**
     * @param what          names the value in the error, e.g. "client public key"
     * @param expectedBytes the exact length, or -1 for any length
     */
    static byte[] decode(String what, String hex, int expectedBytes) {
        if (hex == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (expectedBytes >= 0 && hex.length() != expectedBytes * 2) {
            throw new IllegalArgumentException(
                    what + " must be " + expectedBytes * 2 + " hex characters, got " + hex.length());
        }
        if (hex.length() % 2 != 0) {
            throw new IllegalArgumentException(what + " has an odd number of hex characters (" + hex.length() + ")");
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                throw new IllegalArgumentException(
                        what + " must be lowercase hex, found " + describe(c) + " at position " + i);
            }
        }
        return LOWER.parseHex(hex);
    }

    private static String describe(char c) {
        return c >= 0x21 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
