package dev.fileanalysis.chunk;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Cuts a stream into chunks and compresses each on a pool of workers while earlier chunks are
 * being handed to the sink (the uploader). Memory is bounded whatever the stream's size: at most
 * {@code inFlight} chunks exist at once, each at most {@code chunkSize} raw plus its frame.
 */
public final class ChunkPipeline implements AutoCloseable {

    /** Receives each compressed chunk on a worker thread, in any order; the chunk's memory is freed when it returns. */
    @FunctionalInterface
    public interface ChunkSink {
        void accept(CompressedChunk chunk) throws Exception;
    }

    private final int chunkSize;
    private final CompressionPlan compression;
    private final int inFlight;
    private final ExecutorService workers;

    /** Every chunk at one zstd level (incompressible chunks are still stored). */
    public ChunkPipeline(int chunkSize, int level, int workers, int inFlight) {
        this(chunkSize, CompressionPlan.fixed(level), workers, inFlight);
    }

    public ChunkPipeline(int chunkSize, CompressionPlan compression, int workers, int inFlight) {
        if (chunkSize < 1 || workers < 1 || inFlight < 1) {
            throw new IllegalArgumentException("chunk size, workers and chunks in flight must be positive");
        }
        this.chunkSize = chunkSize;
        this.compression = compression;
        this.inFlight = inFlight;
        AtomicInteger number = new AtomicInteger();
        ThreadFactory threads = runnable -> {
            Thread thread = new Thread(runnable, "chunk-worker-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.workers = Executors.newFixedThreadPool(workers, threads);
    }

    /**
     * Reads {@code in} to its end and sends every chunk through the sink. An empty stream is one
     * empty chunk, so every file has at least chunk 0. Returns the number of chunks. The first
     * failure of the sink or of compression stops the reading and is rethrown.
     */
    public int run(InputStream in, ChunkSink sink) throws IOException, InterruptedException {
        Semaphore slots = new Semaphore(inFlight);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int index = 0;
        try {
            while (failure.get() == null) {
                slots.acquire();
                // The slot belongs to this loop until a worker owns the chunk: a failed read (or a
                // refused task) must give it back, or the wait below for all slots never ends.
                boolean handedOut = false;
                int length;
                try {
                    byte[] slice = new byte[chunkSize];
                    length = in.readNBytes(slice, 0, chunkSize);
                    if (length == 0 && index > 0) {
                        break;
                    }
                    final int chunkIndex = index;
                    final int chunkLength = length;
                    workers.execute(() -> {
                        try {
                            if (failure.get() == null) {
                                long started = System.nanoTime();
                                ChunkCodec.Encoded encoded = ChunkCodec.encode(slice, chunkLength, compression.nextLevel());
                                if (!encoded.stored()) {
                                    // Stored chunks say nothing about what a level costs on this data.
                                    compression.compressed(encoded.level(), chunkLength, encoded.frame().length,
                                            System.nanoTime() - started);
                                }
                                byte[] frame = encoded.frame();
                                sink.accept(new CompressedChunk(chunkIndex, chunkLength, frame, md5(frame), encoded.level()));
                            }
                        } catch (Throwable t) {
                            failure.compareAndSet(null, t);
                        } finally {
                            slots.release();
                        }
                    });
                    handedOut = true;
                    index++;
                } finally {
                    if (!handedOut) {
                        slots.release();
                    }
                }
                if (length < chunkSize) {
                    break;
                }
            }
        } finally {
            // Wait for every chunk handed out, also when reading failed half-way.
            slots.acquire(inFlight);
            slots.release(inFlight);
        }
        Throwable failed = failure.get();
        if (failed instanceof IOException io) {
            throw io;
        }
        if (failed instanceof InterruptedException interrupted) {
            throw interrupted;
        }
        if (failed instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failed != null) {
            throw new IOException(failed.getMessage(), failed);
        }
        return index;
    }

    public static String md5(byte[] bytes) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 missing from the JDK", e);
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
