package dev.fileanalysis.client.transfer;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bandwidth limit as users write it for rclone's {@code --bwlimit}: a number with a byte suffix
 * ({@code 100M} is 100 MiB/s; {@code B}, {@code K}, {@code M}, {@code G}, {@code T} are powers of
 * 1024, and a bare number means KiB/s as in rclone) or, for people who think in link speeds, a
 * number of bits ({@code 100Mbit}, {@code 100Mbps}, {@code 1Gbit/s}: powers of 1000, as
 * {@code tc} and network vendors count). {@code off}, {@code 0} or an empty value mean no limit.
 *
 * <p>rclone's time tables and {@code UP:DOWN} pairs are refused with a clear error rather than
 * half-understood.
 */
public final class BandwidthLimit {

    /** No limit at all. */
    public static final BandwidthLimit UNLIMITED = new BandwidthLimit(0, "off");

    private static final Pattern FORM = Pattern.compile(
            "(\\d+(?:\\.\\d+)?)\\s*(?:(?<bits>[kmgt]?)(?:bit/s|bit|bps)|(?<bytes>[bkmgtp]?)(?:ib|i|b)?(?:/s)?)",
            Pattern.CASE_INSENSITIVE);

    private final long bytesPerSecond;
    private final String written;

    private BandwidthLimit(long bytesPerSecond, String written) {
        this.bytesPerSecond = bytesPerSecond;
        this.written = written;
    }

    public static BandwidthLimit bytesPerSecond(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("a bandwidth limit cannot be negative, got " + bytesPerSecond + " bytes/s");
        }
        return bytesPerSecond == 0 ? UNLIMITED : new BandwidthLimit(bytesPerSecond, bytesPerSecond + "B");
    }

    /**
     * Parses a limit; the error names the value and the forms that are understood.
     *
     * @throws IllegalArgumentException when the text is not a limit
     */
    public static BandwidthLimit parse(String text) {
        String value = text == null ? "" : text.trim();
        if (value.isEmpty() || value.equalsIgnoreCase("off") || value.equals("0")) {
            return UNLIMITED;
        }
        if (value.contains(":") || value.contains(",")) {
            throw new IllegalArgumentException("Bandwidth limit '" + text + "': time tables and UP:DOWN pairs are not "
                    + "supported; give one rate such as 100M (bytes/s) or 100Mbit (bits/s)");
        }
        Matcher matcher = FORM.matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Bandwidth limit '" + text + "' is not understood: use a number with a "
                    + "byte suffix B, K, M, G, T (powers of 1024, e.g. 100M = 100 MiB/s; a bare number is KiB/s) or "
                    + "with bits (kbit, Mbit, Gbit, powers of 1000, e.g. 100Mbit), or 'off'");
        }
        BigDecimal number = new BigDecimal(matcher.group(1));
        if (number.signum() == 0) {
            return UNLIMITED;
        }
        BigDecimal bytes;
        if (matcher.group("bits") != null) {
            String prefix = matcher.group("bits").toLowerCase(Locale.ROOT);
            int power = prefix.isEmpty() ? 0 : "kmgt".indexOf(prefix) + 1;
            bytes = number.multiply(BigDecimal.valueOf(1000).pow(power)).divide(BigDecimal.valueOf(8));
        } else {
            String suffix = matcher.group("bytes").toLowerCase(Locale.ROOT);
            // rclone: a bare number is KiB/s
            int power = suffix.isEmpty() ? 1 : "bkmgtp".indexOf(suffix);
            bytes = number.multiply(BigDecimal.valueOf(1024).pow(power));
        }
        long perSecond = bytes.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        if (perSecond <= 0) {
            throw new IllegalArgumentException("Bandwidth limit '" + text + "' is less than one byte per second; "
                    + "write 'off' for no limit");
        }
        return new BandwidthLimit(perSecond, value);
    }

    public boolean isUnlimited() {
        return bytesPerSecond == 0;
    }

    /** Bytes per second, or 0 when unlimited. */
    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Bits per second, or 0 when unlimited. */
    public long bitsPerSecond() {
        return bytesPerSecond * 8;
    }

    /** What a person reads in a report, e.g. {@code 100Mbit (12.5 MB/s)}. */
    public String describe() {
        if (isUnlimited()) {
            return "unlimited";
        }
        return String.format(Locale.ROOT, "%s (%.3g Mbit/s, %.3g MB/s)", written, bitsPerSecond() / 1e6, bytesPerSecond / 1e6);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BandwidthLimit limit && limit.bytesPerSecond == bytesPerSecond;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bytesPerSecond);
    }

    @Override
    public String toString() {
        return describe();
    }
}
