package dev.fileanalysis.client.chunk;

import dev.fileanalysis.chunk.ChunkCodec;
import dev.fileanalysis.chunk.TestBytes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class ChunkPipelineTest {

    private static final int CHUNK = 1_024;
    private static final Duration NO_HANG = Duration.ofSeconds(30);

    @ParameterizedTest(name = "{0} bytes -> {1} chunks")
    @CsvSource({
            "0, 1",
            "1, 1",
            "1024, 1",
            "1025, 2",
            "5437, 6",
    })
    void streamRoundTripsThroughIndependentChunks(int size, int expectedChunks) throws Exception {
        byte[] input = TestBytes.mixed(size, size);
        Map<Integer, CompressedChunk> chunks = new ConcurrentHashMap<>();

        int count;
        try (ChunkPipeline pipeline = new ChunkPipeline(CHUNK, 3, 3, 4)) {
            count = pipeline.run(new ByteArrayInputStream(input), chunk -> {
                assertThat(chunks.putIfAbsent(chunk.index(), chunk)).as("chunk %d sent twice", chunk.index()).isNull();
            });
        }

        assertThat(count).isEqualTo(expectedChunks);
        assertThat(chunks).hasSize(expectedChunks);
        ByteArrayOutputStream restored = new ByteArrayOutputStream();
        for (int index = 0; index < count; index++) {
            CompressedChunk chunk = chunks.get(index);
            assertThat(chunk).as("chunk %d", index).isNotNull();
            assertThat(chunk.originalLength()).isEqualTo(Math.min(CHUNK, size - index * CHUNK));
            assertThat(chunk.md5Base64()).isEqualTo(ChunkPipeline.md5(chunk.frame()));
            try (InputStream in = ChunkCodec.decompressing(chunk.frame(), CHUNK)) {
                in.transferTo(restored);
            }
        }
        assertThat(restored.toByteArray()).isEqualTo(input);
    }

    @Test
    void sinkNeverHoldsMoreThanTheChunksInFlight() throws Exception {
        int inFlight = 3;
        int chunkSize = 16;
        int chunks = 40;
        AtomicInteger inSink = new AtomicInteger();
        AtomicInteger mostInSink = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger mostAlive = new AtomicInteger();
        CountDownLatch full = new CountDownLatch(1);
        // Counts chunks cut from the stream that the sink has not finished with yet: the pipeline
        // may only cut a new chunk when one of the inFlight is done.
        InputStream in = new ByteArrayInputStream(new byte[chunkSize * chunks]) {
            private long position;

            @Override
            public synchronized int read(byte[] buffer, int offset, int length) {
                if (position % chunkSize == 0 && position < (long) chunkSize * chunks) {
                    int started = (int) (position / chunkSize) + 1;
                    mostAlive.accumulateAndGet(started - finished.get(), Math::max);
                }
                int n = super.read(buffer, offset, length);
                position += Math.max(n, 0);
                return n;
            }
        };

        // More workers than chunks in flight, so that only the pipeline's own bound can hold the sink back.
        try (ChunkPipeline pipeline = new ChunkPipeline(chunkSize, 1, inFlight + 3, inFlight)) {
            int count = assertTimeoutPreemptively(NO_HANG, () -> pipeline.run(in, chunk -> {
                int now = inSink.incrementAndGet();
                mostInSink.accumulateAndGet(now, Math::max);
                try {
                    // The first chunks wait until inFlight of them are in the sink together.
                    if (now == inFlight) {
                        full.countDown();
                    }
                    if (!full.await(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the sink never held " + inFlight + " chunks at once");
                    }
                } finally {
                    inSink.decrementAndGet();
                    finished.incrementAndGet();
                }
            }));

            assertThat(count).isEqualTo(chunks);
        }
        assertThat(mostInSink.get()).isEqualTo(inFlight);
        assertThat(mostAlive.get()).isEqualTo(inFlight);
    }

    @Test
    void failingSinkStopsTheRunAndItsFailureIsRethrown() throws Exception {
        AtomicLong read = new AtomicLong();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                read.incrementAndGet();
                return 'x';
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                read.addAndGet(length);
                return length;
            }
        };

        try (ChunkPipeline pipeline = new ChunkPipeline(CHUNK, 1, 2, 2)) {
            assertTimeoutPreemptively(NO_HANG, () ->
                    assertThatThrownBy(() -> pipeline.run(endless, chunk -> {
                        if (chunk.index() == 3) {
                            throw new IOException("upload of chunk 3 refused: quota exceeded");
                        }
                    }))
                            .isInstanceOf(IOException.class)
                            .hasMessage("upload of chunk 3 refused: quota exceeded"));
        }
        assertThat(read.get()).isLessThan(100L * CHUNK);
    }

    @Test
    void failingSinkWithACheckedExceptionIsRethrownWithItsMessage() throws Exception {
        try (ChunkPipeline pipeline = new ChunkPipeline(CHUNK, 1, 2, 2)) {
            assertThatThrownBy(() -> pipeline.run(new ByteArrayInputStream(new byte[10 * CHUNK]), chunk -> {
                throw new Exception("presign refused for chunk " + chunk.index());
            }))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("presign refused for chunk ")
                    .hasCauseInstanceOf(Exception.class);
        }
    }

    @Test
    void failingSinkWithARuntimeExceptionIsRethrownAsItIs() throws Exception {
        try (ChunkPipeline pipeline = new ChunkPipeline(CHUNK, 1, 2, 2)) {
            assertThatThrownBy(() -> pipeline.run(new ByteArrayInputStream(new byte[10 * CHUNK]), chunk -> {
                throw new IllegalStateException("bucket gone");
            }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("bucket gone");
        }
    }

    @Test
    void failingInputStreamIsRethrownAfterTheChunksAlreadyCut() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        InputStream breaksAfterTwoChunks = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (reads.incrementAndGet() > 2) {
                    throw new IOException("disk gone");
                }
                return length;
            }
        };
        Set<Integer> sent = ConcurrentHashMap.newKeySet();

        // Each read fills one whole chunk, so chunks 0 and 1 are cut before the stream breaks.
        try (ChunkPipeline pipeline = new ChunkPipeline(CHUNK, 1, 2, 2)) {
            assertTimeoutPreemptively(NO_HANG, () ->
                    assertThatThrownBy(() -> pipeline.run(breaksAfterTwoChunks, chunk -> sent.add(chunk.index())))
                            .isInstanceOf(IOException.class)
                            .hasMessage("disk gone"));
        }
        assertThat(sent).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void closedPipelineRefusesToRunInsteadOfHanging() {
        ChunkPipeline pipeline = new ChunkPipeline(CHUNK, 1, 1, 2);
        pipeline.close();

        assertTimeoutPreemptively(NO_HANG, () ->
                assertThatThrownBy(() -> pipeline.run(new ByteArrayInputStream(new byte[3 * CHUNK]), chunk -> { }))
                        .isInstanceOf(RejectedExecutionException.class));
    }

    @Test
    void chunksCompressOnSeveralWorkerThreads() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        // Chunks 0 and 1 each wait for the other while being compressed: only two workers at once get past.
        CyclicBarrier bothAtOnce = new CyclicBarrier(2);
        AtomicInteger started = new AtomicInteger();
        CompressionPlan plan = () -> {
            threads.add(Thread.currentThread().getName());
            if (started.getAndIncrement() < 2) {
                try {
                    bothAtOnce.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the two first chunks were not compressed at the same time", e);
                }
            }
            return 1;
        };

        try (ChunkPipeline pipeline = new ChunkPipeline(CHUNK, plan, 2, 4)) {
            int count = pipeline.run(new ByteArrayInputStream(TestBytes.mixed(8 * CHUNK, 7)), chunk -> { });

            assertThat(count).isEqualTo(8);
        }
        assertThat(threads).hasSize(2).allMatch(name -> name.startsWith("chunk-worker-"));
    }

    @Test
    void compressionGoesOnWhileEarlierChunksAreStillInTheSink() throws Exception {
        int inFlight = 4;
        CountDownLatch lastOfFirstBatchArrived = new CountDownLatch(1);
        Set<String> sinkThreads = ConcurrentHashMap.newKeySet();

        // One worker: chunk 0 stays in the sink until chunk 3 got there, which the worker can only
        // achieve if it compresses on while chunk 0 is being "uploaded".
        try (ChunkPipeline pipeline = new ChunkPipeline(CHUNK, 1, 1, inFlight)) {
            int count = assertTimeoutPreemptively(NO_HANG, () -> pipeline.run(
                    new ByteArrayInputStream(TestBytes.mixed(6 * CHUNK, 3)), chunk -> {
                        sinkThreads.add(Thread.currentThread().getName());
                        if (chunk.index() == inFlight - 1) {
                            lastOfFirstBatchArrived.countDown();
                        }
                        if (chunk.index() == 0) {
                            assertThat(lastOfFirstBatchArrived.await(10, TimeUnit.SECONDS))
                                    .as("chunk %d reached the sink while chunk 0 was in it", inFlight - 1).isTrue();
                        }
                    }));

            assertThat(count).isEqualTo(6);
        }
        assertThat(sinkThreads).hasSizeGreaterThan(1).allMatch(name -> name.startsWith("chunk-upload-"));
    }

    @Test
    void runsAtTheSameTimeShareTheChunksInFlight() throws Exception {
        int inFlight = 3;
        AtomicInteger inSink = new AtomicInteger();
        AtomicInteger mostInSink = new AtomicInteger();
        CountDownLatch full = new CountDownLatch(1);
        Map<Long, AtomicInteger> chunksPerRun = new ConcurrentHashMap<>();

        try (ChunkPipeline pipeline = new ChunkPipeline(16, 1, 2, inFlight)) {
            Callable<Integer> run = () -> {
                AtomicInteger mine = chunksPerRun.computeIfAbsent(Thread.currentThread().getId(), id -> new AtomicInteger());
                return pipeline.run(new ByteArrayInputStream(new byte[16 * 30]), chunk -> {
                    int now = inSink.incrementAndGet();
                    mostInSink.accumulateAndGet(now, Math::max);
                    if (now == inFlight) {
                        full.countDown();
                    }
                    // The first chunks stay until the sink holds all it may, whichever runs they are of.
                    assertThat(full.await(10, TimeUnit.SECONDS)).as("the sink held %d chunks at once", inFlight).isTrue();
                    mine.incrementAndGet();
                    inSink.decrementAndGet();
                });
            };
            ExecutorService two = Executors.newFixedThreadPool(2);
            try {
                Future<Integer> first = two.submit(run);
                Future<Integer> second = two.submit(run);
                assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(30);
                assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(30);
            } finally {
                two.shutdownNow();
            }
        }
        assertThat(chunksPerRun.values()).extracting(AtomicInteger::get).containsExactly(30, 30);
        assertThat(mostInSink.get()).as("chunks in the sink at once, both runs together").isEqualTo(inFlight);
    }

    @Test
    void nonPositiveSizesAreRefused() {
        assertThatThrownBy(() -> new ChunkPipeline(0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChunkPipeline(1, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChunkPipeline(1, 1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
