package dev.fileanalysis.client.chunk;

import dev.fileanalysis.chunk.ChunkCodec;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pushes a generated stream of any size through {@link ChunkPipeline} and checks every chunk as
 * it comes out, keeping nothing: run with a small -Xmx it proves the pipeline's memory does not
 * grow with the file. Nothing touches the disk; the expected bytes of any chunk are regenerated
 * from its index alone.
 *
 * <p>Arguments: total bytes, chunk size. Prints {@code ok chunks=<n> bytes=<total>} and exits 0,
 * or prints what went wrong and exits 1.
 */
public final class LargeStreamRoundTrip {

    private LargeStreamRoundTrip() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.out.println("usage: LargeStreamRoundTrip <total bytes> <chunk size>");
            System.exit(2);
        }
        long total = Long.parseLong(args[0]);
        int chunkSize = Integer.parseInt(args[1]);
        long started = System.nanoTime();
        try {
            String problem = roundTrip(total, chunkSize);
            if (problem != null) {
                System.out.println("mismatch: " + problem);
                System.exit(1);
            }
        } catch (Throwable t) {
            System.out.println("failed: " + t);
            t.printStackTrace(System.out);
            System.exit(1);
        }
        System.err.printf("elapsed=%dms maxHeap=%dMiB peakHeapUsed=%dMiB%n",
                (System.nanoTime() - started) / 1_000_000, Runtime.getRuntime().maxMemory() >> 20, peakHeapUsed() >> 20);
        System.exit(0);
    }

    /** Returns null when every byte came back, else what did not. */
    private static String roundTrip(long total, int chunkSize) throws Exception {
        long expectedChunks = Math.max(1, (total + chunkSize - 1) / chunkSize);
        BitSet seen = new BitSet();
        AtomicLong verified = new AtomicLong();
        AtomicLong compressed = new AtomicLong();
        ThreadLocal<byte[][]> buffers = ThreadLocal.withInitial(
                () -> new byte[][] {new byte[Generator.BLOCK], new byte[Generator.BLOCK]});

        int chunks;
        try (ChunkPipeline pipeline = new ChunkPipeline(chunkSize, 1, 2, 4)) {
            chunks = pipeline.run(new GeneratedStream(total), chunk -> {
                long start = (long) chunk.index() * chunkSize;
                long length = Math.max(0, Math.min(chunkSize, total - start));
                if (chunk.originalLength() != length) {
                    throw new IllegalStateException("chunk " + chunk.index() + " holds " + chunk.originalLength()
                            + " bytes, expected " + length);
                }
                synchronized (seen) {
                    if (seen.get(chunk.index())) {
                        throw new IllegalStateException("chunk " + chunk.index() + " sent twice");
                    }
                    seen.set(chunk.index());
                }
                byte[] actual = buffers.get()[0];
                byte[] expected = buffers.get()[1];
                try (InputStream in = ChunkCodec.decompressing(chunk.frame(), chunkSize)) {
                    for (long done = 0; done < length; ) {
                        int n = (int) Math.min(Generator.BLOCK, length - done);
                        int got = in.readNBytes(actual, 0, n);
                        Generator.fill(start + done, expected, 0, n);
                        int at = Arrays.mismatch(actual, 0, got, expected, 0, n);
                        if (at >= 0) {
                            throw new IllegalStateException("chunk " + chunk.index() + " differs at byte "
                                    + (start + done + at) + " of the stream");
                        }
                        done += n;
                    }
                    if (in.read() != -1) {
                        throw new IllegalStateException("chunk " + chunk.index() + " inflates to more than " + length + " bytes");
                    }
                }
                verified.addAndGet(length);
                compressed.addAndGet(chunk.frame().length);
            });
        } catch (IllegalStateException mismatch) {
            return mismatch.getMessage();
        }
        if (chunks != expectedChunks || seen.cardinality() != expectedChunks || seen.nextClearBit(0) != expectedChunks) {
            return "pipeline reported " + chunks + " chunks, sink saw " + seen.cardinality() + ", expected " + expectedChunks;
        }
        if (verified.get() != total) {
            return "verified " + verified.get() + " bytes of " + total;
        }
        System.out.println("ok chunks=" + chunks + " bytes=" + total);
        System.err.println("compressed=" + compressed.get());
        return null;
    }

    private static long peakHeapUsed() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    /** The stream: whatever the generator says is at each position, up to {@code total} bytes. */
    private static final class GeneratedStream extends InputStream {
        private final long total;
        private long position;

        GeneratedStream(long total) {
            this.total = total;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (position >= total) {
                return -1;
            }
            int n = (int) Math.min(length, total - position);
            Generator.fill(position, buffer, offset, n);
            position += n;
            return n;
        }
    }

    /**
     * Deterministic content by 64 KiB block, each block from its own seed: about one block in four
     * is random bytes, the rest text-like words, so the stream compresses somewhat, like real files.
     */
    static final class Generator {
        static final int BLOCK = 64 * 1024;
        private static final long SEED = 0x5EED_F11EL;
        private static final byte[][] WORDS = words(
                "the", "of", "and", "invoice", "customer", "total", "amount", "due", "date", "order",
                "shipment", "warehouse", "quantity", "price", "EUR", "USD", "account", "balance", "report",
                "quarter", "revenue", "cost", "margin", "region", "north", "south", "east", "west", "2024",
                "2025", "item", "sku", "status", "paid", "open", "closed", "reference", "note", "page",
                "a", "to", "in", "for", "on", "with", "by", "from", "at", "is", "was", "\n", ",", ";",
                "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "id");

        /** The last block made on this thread: a chunk's blocks are read in turn, so each is made once. */
        private static final ThreadLocal<Block> LAST = ThreadLocal.withInitial(Block::new);

        private Generator() {
        }

        /** Copies the stream's bytes {@code [position, position + length)} into {@code into}. */
        static void fill(long position, byte[] into, int offset, int length) {
            Block block = LAST.get();
            while (length > 0) {
                long index = position / BLOCK;
                int within = (int) (position % BLOCK);
                if (block.index != index) {
                    make(index, block.bytes);
                    block.index = index;
                }
                int n = Math.min(length, BLOCK - within);
                System.arraycopy(block.bytes, within, into, offset, n);
                position += n;
                offset += n;
                length -= n;
            }
        }

        private static void make(long index, byte[] into) {
            SplittableRandom random = new SplittableRandom(SEED ^ (index * 0x9E37_79B9_7F4A_7C15L));
            if (random.nextInt(4) == 0) {
                ByteBuffer longs = ByteBuffer.wrap(into).order(ByteOrder.LITTLE_ENDIAN);
                while (longs.remaining() >= Long.BYTES) {
                    longs.putLong(random.nextLong());
                }
                return;
            }
            int at = 0;
            while (at < into.length) {
                // One random draw picks two words: half the calls, and text still varied enough
                // that zstd has to work for its ratio.
                int draw = random.nextInt();
                at = put(WORDS[(draw & 0x7fff) % WORDS.length], into, at);
                at = put(WORDS[((draw >>> 16) & 0x7fff) % WORDS.length], into, at);
            }
        }

        private static int put(byte[] word, byte[] into, int at) {
            int n = Math.min(word.length, into.length - at);
            System.arraycopy(word, 0, into, at, n);
            at += n;
            if (at < into.length) {
                into[at++] = ' ';
            }
            return at;
        }

        private static byte[][] words(String... words) {
            byte[][] bytes = new byte[words.length][];
            for (int i = 0; i < words.length; i++) {
                bytes[i] = words[i].getBytes(StandardCharsets.US_ASCII);
            }
            return bytes;
        }

        private static final class Block {
            long index = -1;
            final byte[] bytes = new byte[BLOCK];
        }
    }
}
