package dev.fileanalysis.client.chunk;

import dev.fileanalysis.chunk.ChunkCodec;

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
 * Cuts streams into chunks, compresses each on a pool of workers and hands each compressed chunk
 * to the sink (the uploader) on a separate pool, so that the cores keep compressing later chunks
 * while earlier ones are on the wire. One pipeline serves every file of a client at once: memory
 * is bounded by {@code inFlight} chunks in all (each at most a chunk raw plus its frame), whatever
 * the files' sizes and however many are sent together.
 */
public final class ChunkPipeline implements AutoCloseable {

    /** Receives each compressed chunk on a sink thread, in any order; the chunk's memory is freed when it returns. */
    @FunctionalInterface
    public interface ChunkSink {
        void accept(CompressedChunk chunk) throws Exception;
    }

    private final int chunkSize;
    private final CompressionPlan compression;
    private final int inFlight;
    private final Semaphore slots;
    private final ExecutorService workers;
    private final ExecutorService sinks;

    /** Every chunk at one zstd level (incompressible chunks are still stored). */
    public ChunkPipeline(int chunkSize, int level, int workers, int inFlight) {
        this(chunkSize, CompressionPlan.fixed(level), workers, inFlight);
    }

    /**
     * {@code workers} threads compress; up to {@code inFlight} chunks exist at once across every
     * run, compressing, waiting or in the sink, so that many sinks (uploads) can run together.
     */
    public ChunkPipeline(int chunkSize, CompressionPlan compression, int workers, int inFlight) {
        if (chunkSize < 1 || workers < 1 || inFlight < 1) {
            throw new IllegalArgumentException("chunk size, workers and chunks in flight must be positive");
        }
        this.chunkSize = chunkSize;
        this.compression = compression;
        this.inFlight = inFlight;
        this.slots = new Semaphore(inFlight, true);
        this.workers = Executors.newFixedThreadPool(workers, named("chunk-worker-"));
        // As many sink threads as chunks can exist: a compressed chunk never waits for a thread.
        this.sinks = Executors.newFixedThreadPool(inFlight, named("chunk-upload-"));
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Chunks that may exist at once, across all runs. */
    public int inFlight() {
        return inFlight;
    }

    /** {@link #run(InputStream, int, ChunkSink)} with this pipeline's chunk size. */
    public int run(InputStream in, ChunkSink sink) throws IOException, InterruptedException {
        return run(in, chunkSize, sink);
    }

    /**
     * Reads {@code in} to its end and sends every chunk of {@code size} bytes through the sink. An
     * empty stream is one empty chunk, so every file has at least chunk 0. Returns the number of
     * chunks. The first failure of the sink or of compression stops the reading and is rethrown,
     * once every chunk of this run already handed out has left the pipeline. Several runs may go
     * on at once on different threads; they share the chunks in flight.
     */
    public int run(InputStream in, int size, ChunkSink sink) throws IOException, InterruptedException {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be positive");
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // Released once per chunk of this run that has left the pipeline (sent, failed or skipped).
        Semaphore finished = new Semaphore(0);
        int handedOut = 0;
        int index = 0;
        try {
            while (failure.get() == null) {
                slots.acquire();
                // The slot belongs to this loop until a worker owns the chunk: a failed read (or a
                // refused task) must give it back.
                boolean owned = false;
                int length;
                try {
                    byte[] slice = new byte[size];
                    length = in.readNBytes(slice, 0, size);
                    if (length == 0 && index > 0) {
                        break;
                    }
                    final int chunkIndex = index;
                    final int chunkLength = length;
                    workers.execute(() -> compress(slice, chunkIndex, chunkLength, sink, failure, finished));
                    owned = true;
                    handedOut++;
                    index++;
                } finally {
                    if (!owned) {
                        slots.release();
                    }
                }
                if (length < size) {
                    break;
                }
            }
        } finally {
            // Wait for every chunk handed out, also when reading failed half-way.
            finished.acquireUninterruptibly(handedOut);
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

    /** On a worker: compresses one chunk and queues it for the sink (which then owns its slot). */
    private void compress(byte[] slice, int index, int length, ChunkSink sink, AtomicReference<Throwable> failure,
                          Semaphore finished) {
        boolean queued = false;
        try {
            if (failure.get() == null) {
                long started = System.nanoTime();
                ChunkCodec.Encoded encoded = ChunkCodec.encode(slice, length, compression.nextLevel());
                if (!encoded.stored()) {
                    // Stored chunks say nothing about what a level costs on this data.
                    compression.compressed(encoded.level(), length, encoded.frame().length, System.nanoTime() - started);
                }
                byte[] frame = encoded.frame();
                CompressedChunk chunk = new CompressedChunk(index, length, frame, md5(frame), encoded.level());
                sinks.execute(() -> deliver(chunk, sink, failure, finished));
                queued = true;
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        } finally {
            if (!queued) {
                slots.release();
                finished.release();
            }
        }
    }

    /** On a sink thread: hands the chunk over, then frees its slot for the next chunk of any run. */
    private void deliver(CompressedChunk chunk, ChunkSink sink, AtomicReference<Throwable> failure, Semaphore finished) {
        try {
            if (failure.get() == null) {
                sink.accept(chunk);
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        } finally {
            slots.release();
            finished.release();
        }
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
        sinks.shutdownNow();
    }
}
