package dev.fileanalysis.processor;

import dev.fileanalysis.chunk.ChunkCodec;
import dev.fileanalysis.chunk.TestBytes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.sun.net.httpserver.HttpServer;
import dev.fileanalysis.apiclient.AccessTokens;
import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.model.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A stored chunk is a zstd frame of raw blocks: every reader of chunks takes it like any other frame. */
class StoredChunkTest {

    private static final int LIMIT = 8 << 20;

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 31, 32, 33, 4_096, 131_071, 131_072, 131_073, 1 << 20, (4 << 20) + 17})
    void storedFrameRoundTripsThroughTheChunkReaderAndZstdItself(int size) throws IOException {
        byte[] slice = random(size, size);

        byte[] frame = ChunkCodec.store(slice, size);

        assertThat(inflate(frame)).isEqualTo(slice);
        // zstd's own one-shot decoder too, which checks the declared size against what the blocks hold
        assertThat(Zstd.getFrameContentSize(frame)).isEqualTo(size);
        assertThat(Zstd.decompress(frame, size)).isEqualTo(slice);
    }

    @Test
    void storedFrameCostsOnlyItsHeadersOverTheOriginalBytes() {
        int size = 4 << 20;

        byte[] frame = ChunkCodec.store(random(size, 1), size);

        // magic, descriptor, 4-byte content size, 32 block headers of 3 bytes, checksum
        assertThat(frame.length).isEqualTo(size + 4 + 1 + 4 + 32 * 3 + 4);
    }

    @Test
    void onlyTheGivenLengthOfTheSliceIsStored() throws IOException {
        byte[] slice = random(10_000, 2);

        assertThat(inflate(ChunkCodec.store(slice, 4_321))).isEqualTo(Arrays.copyOf(slice, 4_321));
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 3, 4, 7, 8, 31, 32, 33, 63, 64, 100, 1_000, 65_537})
    void checksumIsTheOneZstdWritesForTheSameBytes(int size) {
        byte[] slice = TestBytes.mixed(size, size);
        byte[] zstdFrame;
        try (ZstdCompressCtx context = new ZstdCompressCtx()) {
            context.setChecksum(true);
            zstdFrame = context.compress(slice);
        }
        byte[] storedFrame = ChunkCodec.store(slice, size);

        assertThat(Arrays.copyOfRange(storedFrame, storedFrame.length - 4, storedFrame.length))
                .isEqualTo(Arrays.copyOfRange(zstdFrame, zstdFrame.length - 4, zstdFrame.length));
    }

    @Test
    void flippedByteInAStoredChunkIsDetectedByTheChecksum() throws IOException {
        byte[] frame = ChunkCodec.store(random(200_000, 3), 200_000);
        frame[frame.length / 2] ^= 0x01;

        try (InputStream in = ChunkCodec.decompressing(frame, LIMIT)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("checksum");
        }
    }

    @Test
    void storedFrameLargerThanAChunkMayBeIsRefusedFromItsHeader() {
        byte[] frame = ChunkCodec.store(random(1_001, 4), 1_001);

        assertThatThrownBy(() -> ChunkCodec.decompressing(frame, 1_000))
                .isInstanceOf(IOException.class).hasMessageContaining("declares 1001 bytes");
    }

    @Test
    void randomBytesAreSentStoredWhateverTheLevel() {
        byte[] slice = random(1 << 20, 5);

        ChunkCodec.Encoded encoded = ChunkCodec.encode(slice, slice.length, 19);

        assertThat(encoded.stored()).isTrue();
        assertThat(encoded.frame()).isEqualTo(ChunkCodec.store(slice, slice.length));
    }

    @Test
    void textIsCompressedAtTheLevelAsked() throws IOException {
        byte[] slice = TestBytes.mixed(1 << 20, 6);

        ChunkCodec.Encoded encoded = ChunkCodec.encode(slice, slice.length, 3);

        assertThat(encoded.level()).isEqualTo(3);
        assertThat(encoded.frame().length).isLessThan(slice.length / 2);
        assertThat(inflate(encoded.frame())).isEqualTo(slice);
    }

    @Test
    void textWithIncompressibleStretchesIsStillCompressed() {
        // like the bench's mixed file: 64 KiB segments, some of them random, most of them text
        byte[] slice = new byte[1 << 20];
        byte[] text = TestBytes.mixed(slice.length, 7);
        byte[] noise = random(slice.length, 8);
        for (int segment = 0; segment < slice.length / 65_536; segment++) {
            byte[] from = segment % 3 == 0 ? noise : text;
            System.arraycopy(from, segment * 65_536, slice, segment * 65_536, 65_536);
        }

        assertThat(ChunkCodec.looksIncompressible(slice, slice.length)).isFalse();
        assertThat(ChunkCodec.encode(slice, slice.length, 1).stored()).isFalse();
    }

    @Test
    void levelStoredSendsEvenTextUncompressed() throws IOException {
        byte[] slice = TestBytes.mixed(100_000, 9);

        ChunkCodec.Encoded encoded = ChunkCodec.encode(slice, slice.length, ChunkCodec.STORED);

        assertThat(encoded.stored()).isTrue();
        assertThat(inflate(encoded.frame())).isEqualTo(slice);
    }

    /**
     * The processor's reading path end to end: ChunkStream asks a server (here a stand-in over real
     * HTTP) for chunk URLs, downloads each frame and inflates it; stored and compressed chunks mixed.
     */
    @Test
    void processorChunkStreamReadsStoredAndCompressedChunksAlike() throws Exception {
        byte[] file = new byte[3 * 300_000 + 1_234];
        System.arraycopy(random(300_000, 10), 0, file, 0, 300_000);
        System.arraycopy(TestBytes.mixed(300_000, 11), 0, file, 300_000, 300_000);
        System.arraycopy(random(file.length - 600_000, 12), 0, file, 600_000, file.length - 600_000);
        List<byte[]> frames = new ArrayList<>();
        List<Boolean> stored = new ArrayList<>();
        for (int from = 0; from < file.length; from += 300_000) {
            byte[] slice = Arrays.copyOfRange(file, from, Math.min(file.length, from + 300_000));
            ChunkCodec.Encoded encoded = ChunkCodec.encode(slice, slice.length, 3);
            frames.add(encoded.frame());
            stored.add(encoded.stored());
        }
        // the last chunk is too small to be worth probing: compressed, as zstd would
        assertThat(stored).containsExactly(true, false, true, false);

        ObjectMapper json = new ObjectMapper();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        Job job = new Job("job-1", "1.0.0", null, "b", "r", "file-1", "client-x", null, Job.UPLOADED, frames.size(),
                frames.size(), "processor-1", null, 0, null);
        http.createContext("/api/processor/jobs/job-1/chunk-downloads", exchange -> {
            int from = Integer.parseInt(exchange.getRequestURI().getQuery().replaceAll(".*from=(\\d+).*", "$1"));
            List<ServerApiClient.ChunkUrl> urls = new ArrayList<>();
            for (int index = from; index < frames.size(); index++) {
                urls.add(new ServerApiClient.ChunkUrl(index, base + "/chunks/" + index));
            }
            byte[] body = json.writeValueAsBytes(new ServerApiClient.ChunkDownloads(job, urls));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.createContext("/chunks/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = frames.get(Integer.parseInt(path.substring(path.lastIndexOf('/') + 1)));
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            AccessTokens token = new AccessTokens() {
                @Override
                public String token() {
                    return "test";
                }

                @Override
                public void invalidate() {
                }
            };
            AtomicInteger analysed = new AtomicInteger();
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            try (ChunkStream stream = new ChunkStream(new ServerApiClient(client, URI.create(base), token), client, job,
                    "processor-1", 1 << 20, Duration.ofSeconds(10), analysed::set, () -> false)) {
                stream.transferTo(read);
            }

            assertThat(read.toByteArray()).isEqualTo(file);
            // Every chunk but the last is reported as analysed; the job's result says the last.
            assertThat(analysed.get()).isEqualTo(frames.size() - 1);
        } finally {
            http.stop(0);
        }
    }

    private static byte[] inflate(byte[] frame) throws IOException {
        try (InputStream in = ChunkCodec.decompressing(frame, LIMIT)) {
            return in.readAllBytes();
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }
}
