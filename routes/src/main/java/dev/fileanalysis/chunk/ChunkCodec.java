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
