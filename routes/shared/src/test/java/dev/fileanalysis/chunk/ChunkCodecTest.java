package dev.fileanalysis.chunk;

import com.github.luben.zstd.ZstdCompressCtx;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkCodecTest {

    private static final int LIMIT = 1 << 20;

    @Test
    void chunkRoundTripsToItsOriginalBytes() throws IOException {
        byte[] slice = TestBytes.mixed(100_000, 1);

        byte[] frame = ChunkCodec.compress(slice, slice.length, 3);

        assertThat(frame.length).isLessThan(slice.length);
        assertThat(inflate(frame, LIMIT)).isEqualTo(slice);
    }

    @Test
    void onlyTheGivenLengthOfTheSliceIsCompressed() throws IOException {
        byte[] slice = TestBytes.mixed(10_000, 2);

        byte[] frame = ChunkCodec.compress(slice, 4_321, 1);

        assertThat(inflate(frame, LIMIT)).isEqualTo(Arrays.copyOf(slice, 4_321));
    }

    @Test
    void emptySliceRoundTripsToNoBytes() throws IOException {
        byte[] frame = ChunkCodec.compress(new byte[16], 0, 1);

        assertThat(inflate(frame, LIMIT)).isEmpty();
    }

    @Test
    void bytesThatAreNotZstdAreRefusedWithAMessage() {
        byte[] notZstd = "just some plain text, not a zstd frame".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ChunkCodec.decompressing(notZstd, LIMIT))
                .isInstanceOf(IOException.class)
                .hasMessage("chunk is not a zstd frame");
    }

    @Test
    void bytesTooShortForAFrameHeaderAreRefusedWithAMessage() {
        assertThatThrownBy(() -> ChunkCodec.decompressing(new byte[] {0x28, (byte) 0xb5}, LIMIT))
                .isInstanceOf(IOException.class)
                .hasMessage("chunk is not a zstd frame");
    }

    @Test
    void frameDeclaringMoreThanTheLimitIsRefusedBeforeInflating() {
        byte[] frame = ChunkCodec.compress(new byte[1_001], 1_001, 1);

        // Refused by decompressing() itself, from the header: no stream is ever handed out.
        assertThatThrownBy(() -> ChunkCodec.decompressing(frame, 1_000))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("declares 1001 bytes")
                .hasMessageContaining("1000");
    }

    @Test
    void frameOfExactlyTheLimitIsAccepted() throws IOException {
        byte[] slice = TestBytes.mixed(1_000, 3);

        assertThat(inflate(ChunkCodec.compress(slice, slice.length, 1), 1_000)).isEqualTo(slice);
    }

    @Test
    void frameWithoutADeclaredSizeIsStoppedOnceItInflatesBeyondTheLimit() throws IOException {
        // A hostile client need not declare the size: the stream itself must stop at the limit.
        byte[] frame;
        try (ZstdCompressCtx context = new ZstdCompressCtx()) {
            context.setContentSize(false);
            frame = context.compress(new byte[100_000]);
        }

        try (InputStream in = ChunkCodec.decompressing(frame, 10_000)) {
            assertThatThrownBy(in::readAllBytes)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("beyond");
        }
    }

    @Test
    void flippedByteInAFrameIsDetectedByTheChecksumWhileReading() throws IOException {
        // Random bytes do not compress, so zstd stores them as a raw block: a flipped byte there
        // still decodes, and only the frame checksum can tell.
        byte[] slice = new byte[4_096];
        new SplittableRandom(4).nextBytes(slice);
        byte[] frame = ChunkCodec.compress(slice, slice.length, 1);
        frame[frame.length / 2] ^= 0x01;

        try (InputStream in = ChunkCodec.decompressing(frame, LIMIT)) {
            assertThatThrownBy(in::readAllBytes)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("checksum");
        }
    }

    @Test
    void flippedByteInACompressedBlockIsAnIOExceptionWhileReading() throws IOException {
        byte[] slice = TestBytes.mixed(50_000, 5);
        byte[] frame = ChunkCodec.compress(slice, slice.length, 3);
        frame[frame.length / 2] ^= 0x40;

        try (InputStream in = ChunkCodec.decompressing(frame, LIMIT)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
        }
    }

    @Test
    void frameDecompressesWithoutAnyOtherFrame() throws IOException {
        byte[] file = TestBytes.mixed(60_000, 6);
        byte[] first = Arrays.copyOfRange(file, 0, 30_000);
        byte[] second = Arrays.copyOfRange(file, 30_000, 60_000);

        ChunkCodec.compress(first, first.length, 3);
        byte[] secondFrame = ChunkCodec.compress(second, second.length, 3);

        assertThat(inflate(secondFrame, LIMIT)).isEqualTo(second);
    }

    private static byte[] inflate(byte[] frame, long limit) throws IOException {
        try (InputStream in = ChunkCodec.decompressing(frame, limit)) {
            return in.readAllBytes();
        }
    }
}
