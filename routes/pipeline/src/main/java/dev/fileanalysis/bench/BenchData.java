package dev.fileanalysis.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The benchmark's files, made from a seed so that every run measures the same bytes and nothing
 * is downloaded. A mixed file is a sequence of 64 KiB segments — application logs, JSON lines,
 * CSV rows and incompressible random bytes — dealt from a shuffled deck of 20 (7 log, 5 JSON,
 * 5 CSV, 3 random), so that the proportions are exact (15% random) for every 20 segments while
 * their order is not regular.
 */
public final class BenchData {

    /** What a segment of a mixed file holds. */
    public enum Kind { LOG, JSON, CSV, RANDOM }

    static final int SEGMENT_BYTES = 64 * 1024;
    private static final List<Kind> DECK;

    static {
        List<Kind> deck = new ArrayList<>();
        deck.addAll(Collections.nCopies(7, Kind.LOG));
        deck.addAll(Collections.nCopies(5, Kind.JSON));
        deck.addAll(Collections.nCopies(5, Kind.CSV));
        deck.addAll(Collections.nCopies(3, Kind.RANDOM));
        DECK = List.copyOf(deck);
    }

    /** A generated file: where, how big, its SHA-256 (to check the system's answer) and what is in it. */
    public record Generated(Path path, long bytes, String sha256, Map<Kind, Long> composition) {
        public double share(Kind kind) {
            return bytes == 0 ? 0 : composition.getOrDefault(kind, 0L) / (double) bytes;
        }
    }

    private BenchData() {
    }

    /** A file of logs, JSON, CSV and 15% random bytes. */
    public static Generated mixed(long seed, long bytes, Path path) throws IOException {
        return write(path, bytes, new Mixed(seed));
    }

    /** A file of incompressible bytes. */
    public static Generated random(long seed, long bytes, Path path) throws IOException {
        return write(path, bytes, new Mixed(seed) {
            @Override
            Kind next() {
                return Kind.RANDOM;
            }
        });
    }

    /** {@code count} small mixed-text files named {@code small-00000.txt}..., each different. */
    public static List<Generated> smallFiles(long seed, int count, int bytes, Path folder) throws IOException {
        return smallFiles(seed, count, bytes, folder, "small");
    }

    /** {@code count} small mixed-text files named {@code PREFIX-00000.txt}..., each different. */
    public static List<Generated> smallFiles(long seed, int count, int bytes, Path folder, String prefix) throws IOException {
        Files.createDirectories(folder);
        List<Generated> files = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            SplittableRandom perFile = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (i + 1)));
            Kind kind = Kind.values()[i % 3]; // log, JSON or CSV text, as small business files are
            files.add(write(folder.resolve(String.format("%s-%05d.txt", prefix, i)), bytes, new Mixed(perFile.nextLong()) {
                @Override
                Kind next() {
                    return kind;
                }
            }));
        }
        return files;
    }

    private static Generated write(Path path, long bytes, Mixed source) throws IOException {
        if (bytes < 0) {
            throw new IllegalArgumentException("a file cannot have " + bytes + " bytes");
        }
        Files.createDirectories(path.toAbsolutePath().getParent());
        MessageDigest sha256 = sha256();
        Map<Kind, Long> composition = new EnumMap<>(Kind.class);
        byte[] segment = new byte[SEGMENT_BYTES];
        try (OutputStream out = Files.newOutputStream(path)) {
            long left = bytes;
            while (left > 0) {
                int length = (int) Math.min(SEGMENT_BYTES, left);
                Kind kind = source.next();
                source.fill(kind, segment, length);
                out.write(segment, 0, length);
                sha256.update(segment, 0, length);
                composition.merge(kind, (long) length, Long::sum);
                left -= length;
            }
        }
        return new Generated(path, bytes, HexFormat.of().formatHex(sha256.digest()), composition);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deals segment kinds from the deck and writes their bytes, all from one seeded generator. */
    private static class Mixed {
        private static final String[] LEVELS = {"INFO ", "INFO ", "INFO ", "DEBUG", "WARN ", "ERROR"};
        private static final String[] SERVICES = {"OrderService", "PaymentGateway", "InventorySync", "AuthFilter",
                "ReportBuilder", "ShipmentTracker", "InvoiceMailer", "CacheWarmer"};
        private static final String[] MESSAGES = {"order %s accepted for customer %d",
                "payment %s authorised, amount %d cents", "stock level for SKU-%s is %d",
                "token refreshed for session %s after %d ms", "report %s built with %d rows",
                "shipment %s left depot %d", "invoice %s mailed, attempt %d", "cache key %s warmed in %d ms"};
        private static final String[] EVENTS = {"view", "click", "add_to_cart", "checkout", "refund", "login"};
        private static final String[] COUNTRIES = {"DE", "FR", "US", "GB", "NL", "ES", "IT", "PL", "SE", "JP"};
        private static final String[] PRODUCTS = {"Widget Blue", "Widget Red", "Gadget Pro", "Gadget Mini",
                "Cable 2m", "Adapter USB-C", "Desk Lamp", "Notebook A5"};

        final SplittableRandom random;
        private final List<Kind> deck = new ArrayList<>(DECK);
        private int dealt = DECK.size();
        private long clock = 1_709_251_200_000L; // 2024-03-01T00:00:00Z, advances line by line
        private final StringBuilder line = new StringBuilder(256);

        Mixed(long seed) {
            this.random = new SplittableRandom(seed);
        }

        Kind next() {
            if (dealt == deck.size()) {
                for (int i = deck.size() - 1; i > 0; i--) {
                    Collections.swap(deck, i, random.nextInt(i + 1));
                }
                dealt = 0;
            }
            return deck.get(dealt++);
        }

        void fill(Kind kind, byte[] segment, int length) {
            if (kind == Kind.RANDOM) {
                for (int i = 0; i < length; i += 8) {
                    long bits = random.nextLong();
                    for (int j = 0; j < 8 && i + j < length; j++) {
                        segment[i + j] = (byte) (bits >>> (8 * j));
                    }
                }
                return;
            }
            int at = 0;
            while (at < length) {
                line.setLength(0);
                switch (kind) {
                    case LOG -> log();
                    case JSON -> json();
                    default -> csv();
                }
                line.append('\n');
                byte[] text = line.toString().getBytes(StandardCharsets.US_ASCII);
                int n = Math.min(text.length, length - at); // the segment's last line is cut, as a real file's block would be
                System.arraycopy(text, 0, segment, at, n);
                at += n;
            }
        }

        private void log() {
            clock += random.nextInt(250);
            line.append(java.time.Instant.ofEpochMilli(clock)).append(' ')
                    .append(LEVELS[random.nextInt(LEVELS.length)]).append(" [worker-").append(random.nextInt(16))
                    .append("] dev.example.").append(SERVICES[random.nextInt(SERVICES.length)]).append(" - ");
            String message = MESSAGES[random.nextInt(MESSAGES.length)];
            int split = message.indexOf("%s");
            int second = message.indexOf("%d");
            line.append(message, 0, split).append(hex(8)).append(message, split + 2, second)
                    .append(random.nextInt(100_000)).append(message, second + 2, message.length());
        }

        private void json() {
            clock += random.nextInt(500);
            line.append("{\"id\":").append(random.nextInt(10_000_000)).append(",\"user\":\"user-")
                    .append(random.nextInt(50_000)).append("\",\"event\":\"").append(EVENTS[random.nextInt(EVENTS.length)])
                    .append("\",\"ts\":").append(clock).append(",\"amount\":").append(random.nextInt(100_000) / 100.0)
                    .append(",\"country\":\"").append(COUNTRIES[random.nextInt(COUNTRIES.length)])
                    .append("\",\"session\":\"").append(hex(16)).append("\",\"ok\":").append(random.nextInt(10) > 0)
                    .append('}');
        }

        private void csv() {
            clock += random.nextInt(60_000);
            line.append(random.nextInt(10_000_000)).append(',').append(java.time.Instant.ofEpochMilli(clock).toString(), 0, 10)
                    .append(",SKU-").append(10_000 + random.nextInt(90_000)).append(',')
                    .append(PRODUCTS[random.nextInt(PRODUCTS.length)]).append(',').append(1 + random.nextInt(20))
                    .append(',').append(random.nextInt(50_000) / 100.0).append(',')
                    .append(COUNTRIES[random.nextInt(COUNTRIES.length)]).append(',')
                    .append(random.nextInt(20) == 0 ? "refunded" : "paid");
        }

        private String hex(int digits) {
            String hex = Long.toHexString(random.nextLong() | Long.MIN_VALUE);
            return hex.substring(hex.length() - digits);
        }
    }
}
