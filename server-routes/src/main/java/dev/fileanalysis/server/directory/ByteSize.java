package dev.fileanalysis.server.directory;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as operators write them in settings ({@code 10G}, {@code 500M}, {@code 4k}, {@code 1.5GiB};
 * the suffixes are powers of 1024, a bare number is bytes) and as messages show them
 * ({@code 1.0 GiB}).
 */
final class ByteSize {

    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(?:([kmgtp])(?:ib|i|b)?|b|bytes?)?",
            Pattern.CASE_INSENSITIVE);
    private static final String UNITS = "kmgtp";

    private ByteSize() {
    }

    /** @throws IllegalArgumentException naming the text and the accepted forms */
    static long parse(String text) {
        Matcher matcher = FORM.matcher(text == null ? "" : text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: write a number of bytes, or a number with "
                    + "a binary suffix k, M, G, T (e.g. 10G, 500M, 4k)");
        }
        BigDecimal number = new BigDecimal(matcher.group(1));
        int power = matcher.group(2) == null ? 0 : UNITS.indexOf(matcher.group(2).toLowerCase(Locale.ROOT)) + 1;
        try {
            return number.multiply(BigDecimal.valueOf(1024).pow(power)).setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (ArithmeticException tooLarge) {
            throw new IllegalArgumentException("'" + text + "' is larger than any size this system can count");
        }
    }

    /** {@code 1.0 GiB}, {@code 4.0 MiB}, {@code 512 bytes}. */
    static String format(long bytes) {
        if (Math.abs(bytes) < 1024) {
            return bytes + (bytes == 1 ? " byte" : " bytes");
        }
        int unit = 0;
        double value = bytes;
        while (Math.abs(value) >= 1024 && unit < UNITS.length()) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %siB", value, Character.toUpperCase(UNITS.charAt(unit - 1)));
    }
}
