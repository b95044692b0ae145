package dev.fileanalysis.chunk;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdInputStream;

/**
 * One chunk of a file as one independent zstd frame, so that chunks compress in parallel and a
 * processor can decompress chunk 0 while later chunks are still being uploaded.
 */
public final class ChunkCodec {

    /** zstd's ZSTD_CONTENTSIZE_ERROR: the bytes do not start with a zstd frame header. */
    private static final long NOT_A_FRAME = -2;

    /**
     * The "level" of a chunk sent as a frame of raw blocks, without compressing it: a value no zstd
     * level can have, so it cannot be mistaken for one.
     */
    public static final int STORED = Integer.MIN_VALUE;

    /** RFC 8878 §3.1.1.2.3: no block may be larger than 128 KiB (nor the window; a single-segment window is the content). */
    private static final int MAX_BLOCK = 128 * 1024;
    private static final int MAGIC = 0xFD2FB528;
    /**
     * Frame_Header_Descriptor of a stored frame: Frame_Content_Size_flag 2 (a 4-byte size, which
     * the processor needs to refuse an oversized chunk before reading it), Single_Segment_flag (no
     * window descriptor), Content_Checksum_flag, no dictionary.
     */
    private static final int STORED_FRAME_DESCRIPTOR = 2 << 6 | 1 << 5 | 1 << 2;

    /**
     * The probe: this many evenly spread pieces of the chunk are compressed at the fastest level to
     * tell whether the chunk compresses at all. Spread, because a mixed file holds incompressible
     * stretches (embedded images, archives) next to text, and one piece could land in either.
     */
    private static final int PROBE_PIECES = 8;
    private static final int PROBE_PIECE_BYTES = 4 * 1024;
    /** A chunk whose probe shrinks by less than this is not worth compressing: 5% fewer bytes do not pay for the CPU. */
    static final double INCOMPRESSIBLE_RATIO = 0.95;

    /** A chunk's frame and how it was made: the zstd level used, or {@link #STORED}. */
    public record Encoded(byte[] frame, int level) {
        public boolean stored() {
            return level == STORED;
        }
    }

    private ChunkCodec() {
    }

    /** Compresses one slice of the file into a complete zstd frame with its content size and checksum. */
    public static byte[] compress(byte[] slice, int length, int level) {
        byte[] input = length == slice.length ? slice : Arrays.copyOf(slice, length);
        try (ZstdCompressCtx context = new ZstdCompressCtx()) {
            context.setLevel(level);
            // The checksum lets the processor detect a corrupted chunk; the declared content size
            // lets it refuse a frame that would inflate beyond a chunk before reading it.
            context.setChecksum(true);
            context.setContentSize(true);
            return context.compress(input);
        }
    }

    /**
     * Encodes one slice as a frame: stored (raw blocks) when {@code level} is {@link #STORED} or when
     * a cheap probe finds that the slice does not compress, else compressed at {@code level}.
     */
    public static Encoded encode(byte[] slice, int length, int level) {
        if (level == STORED || looksIncompressible(slice, length)) {
            return new Encoded(store(slice, length), STORED);
        }
        return new Encoded(compress(slice, length, level), level);
    }

    /**
     * The slice as a valid zstd frame of raw blocks with its content size and checksum: what zstd
     * itself would emit for bytes it cannot compress, without the CPU zstd spends finding that out.
     * Any zstd decoder reads it, so processors need not know whether a chunk was stored.
     */
    public static byte[] store(byte[] slice, int length) {
        int blocks = Math.max(1, (length + MAX_BLOCK - 1) / MAX_BLOCK);
        byte[] frame = new byte[4 + 1 + 4 + blocks * 3 + length + 4];
        int at = putIntLittleEndian(frame, 0, MAGIC);
        frame[at++] = (byte) STORED_FRAME_DESCRIPTOR;
        at = putIntLittleEndian(frame, at, length);
        int from = 0;
        for (int block = 0; block < blocks; block++) {
            int size = Math.min(MAX_BLOCK, length - from);
            boolean last = block == blocks - 1;
            // Block_Header: Last_Block bit, Block_Type 0 (Raw_Block), Block_Size, 3 bytes little-endian
            int header = size << 3 | (last ? 1 : 0);
            frame[at++] = (byte) header;
            frame[at++] = (byte) (header >>> 8);
            frame[at++] = (byte) (header >>> 16);
            System.arraycopy(slice, from, frame, at, size);
            at += size;
            from += size;
        }
        putIntLittleEndian(frame, at, (int) Xxh64.hash(slice, 0, length));
        return frame;
    }

    /**
     * Whether the slice would hardly shrink: compresses a sample of it (a few spread pieces, at
     * most 32 KiB) at zstd's fastest level, which costs well under a millisecond for a 4 MiB chunk.
     */
    public static boolean looksIncompressible(byte[] slice, int length) {
        if (length < PROBE_PIECES * PROBE_PIECE_BYTES) {
            // Too small to be worth a probe: compressing it is as cheap as probing it.
            return false;
        }
        byte[] sample = new byte[PROBE_PIECES * PROBE_PIECE_BYTES];
        long stride = (long) (length - PROBE_PIECE_BYTES) / (PROBE_PIECES - 1);
        for (int piece = 0; piece < PROBE_PIECES; piece++) {
            System.arraycopy(slice, (int) (piece * stride), sample, piece * PROBE_PIECE_BYTES, PROBE_PIECE_BYTES);
        }
        try (ZstdCompressCtx context = new ZstdCompressCtx()) {
            context.setLevel(1);
            return context.compress(sample).length >= sample.length * INCOMPRESSIBLE_RATIO;
        }
    }

    private static int putIntLittleEndian(byte[] bytes, int at, int value) {
        bytes[at] = (byte) value;
        bytes[at + 1] = (byte) (value >>> 8);
        bytes[at + 2] = (byte) (value >>> 16);
        bytes[at + 3] = (byte) (value >>> 24);
        return at + 4;
    }

    /**
     * A stream of the chunk's original bytes. Refuses a frame that is not zstd or that declares
     * (or inflates to) more than {@code maxOriginalBytes}, so a small hostile chunk cannot expand
     * without bound.
     */
    public static InputStream decompressing(byte[] frame, long maxOriginalBytes) throws IOException {
        long declared = frame.length < 4 ? NOT_A_FRAME : Zstd.getFrameContentSize(frame);
        if (declared == NOT_A_FRAME) {
            throw new IOException("chunk is not a zstd frame");
        }
        if (declared > maxOriginalBytes) {
            throw new IOException("chunk declares " + declared + " bytes, more than the " + maxOriginalBytes + " a chunk may hold");
        }
        return new Limited(new ZstdInputStream(new ByteArrayInputStream(frame)), maxOriginalBytes);
    }

    /** Fails a read once more than {@code limit} bytes came out. */
    private static final class Limited extends FilterInputStream {
        private long remaining;

        Limited(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                remaining -= n;
                if (remaining < 0) {
                    throw new IOException("chunk inflates beyond the size a chunk may hold");
                }
            }
            return n;
        }
    }
}
