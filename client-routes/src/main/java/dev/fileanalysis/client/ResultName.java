package dev.fileanalysis.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.BreakIterator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The name of a file's result in the results folder: the file's own name with {@code .json}, as
 * long as the file system takes it. A name that does not fit is shortened so that it stays
 * recognisable and unique; one the file system refuses for its characters is written in portable
 * characters; the file's full name is always inside the result.
 */
final class ResultName {

    /**
     * The longest name in bytes that ext4, XFS, btrfs, ZFS and APFS take (NAME_MAX = 255; NTFS and
     * exFAT take 255 UTF-16 units, which is never fewer). A drop-folder name of 251 bytes or more
     * leaves no room for {@code .json}: about 84 characters of Chinese or Japanese in UTF-8.
     */
    static final int MAX_NAME_BYTES = 255;
    /** Characters Windows, exFAT and SMB shares refuse in a name, and control characters (a newline, a tab). */
    private static final Pattern NOT_PORTABLE = Pattern.compile("[<>:\"/\\\\|?*\\p{Cntrl}]");
    /** An extension worth keeping in a shortened name ({@code .pdf}, {@code .tar.gz} keeps {@code .gz}). */
    private static final Pattern EXTENSION = Pattern.compile("\\.[\\p{L}\\p{N}_-]{1,15}$");

    private ResultName() {
    }

    /**
     * {@code stem + tail} if it fits in {@link #MAX_NAME_BYTES}; otherwise the stem cut at a
     * character boundary, marked with "…" and the first 8 hex digits of the SHA-256 of the whole
     * stem (so two long names that start alike still get two results), then its extension, then
     * the tail: {@code Quarterly report for the … ~1f0c9a2e.pdf.json}.
     */
    static String fit(String stem, String tail) {
        if (utf8Length(stem + tail) <= MAX_NAME_BYTES) {
            return stem + tail;
        }
        var extension = EXTENSION.matcher(stem);
        String kept = extension.find() ? extension.group() : "";
        String mark = "… ~" + sha256Hex(stem).substring(0, 8);
        int budget = MAX_NAME_BYTES - utf8Length(mark + kept + tail);
        return prefixWithin(stem.substring(0, stem.length() - kept.length()), budget).stripTrailing() + mark + kept + tail;
    }

    /**
     * The names to try for a file's result, best first: its own name, then the same in portable
     * characters (for a results folder on a file system that refuses some, such as an exFAT disk
     * or a Windows share), then one made of the entry's id alone, which every file system takes.
     */
    static List<String> candidates(String name, String entryId) {
        String portable = portable(name);
        String last = "result of " + entryId;
        return portable.equals(name) ? List.of(name, last) : List.of(name, portable, last);
    }

    /** {@code name} with every character some file system refuses replaced by "_", and no trailing dot or space. */
    static String portable(String name) {
        String replaced = NOT_PORTABLE.matcher(name).replaceAll("_").replaceAll("[. ]+$", "");
        return replaced.isEmpty() ? "_" : replaced;
    }

    /** The longest prefix of {@code text} that is at most {@code bytes} long in UTF-8, never splitting a character. */
    private static String prefixWithin(String text, int bytes) {
        BreakIterator characters = BreakIterator.getCharacterInstance();
        characters.setText(text);
        int end = 0;
        for (int next = characters.next(); next != BreakIterator.DONE; next = characters.next()) {
            if (utf8Length(text.substring(0, next)) > bytes) {
                break;
            }
            end = next;
        }
        return text.substring(0, end);
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
