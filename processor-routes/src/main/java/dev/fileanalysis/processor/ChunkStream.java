package dev.fileanalysis.processor;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;

import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.apiclient.ServerApiClient.ChunkDownloads;
import dev.fileanalysis.apiclient.ServerApiClient.ChunkUrl;
import dev.fileanalysis.apiclient.RetryPolicy;
import dev.fileanalysis.apiclient.ServerCallException;
import dev.fileanalysis.chunk.ChunkCodec;
import dev.fileanalysis.model.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The original file's bytes, rebuilt chunk after chunk while the client may still be uploading:
 * it reads chunk N as soon as the server reports that N chunks have landed contiguously, and ends
 * after the last chunk once the upload is complete. This is the body streamed into the engine.
 */
public final class ChunkStream extends InputStream {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkStream.class);
    /**
     * Waiting for the next chunk of a live upload to land, the stream asks again after 50 ms,
     * doubling up to 250 ms. With a longer ceiling (it was 1 s) the benchmark saw a landed chunk
     * sit in storage for up to a second before the processor asked again. At 250 ms a waiting job
     * costs the server four cheap reads a second.
     */
    private static final Duration FIRST_POLL = Duration.ofMillis(50);
    private static final Duration LONGEST_POLL = Duration.ofMillis(250);
    private static final RetryPolicy DOWNLOAD_RETRY = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMinutes(1));

    private final ServerApiClient server;
    private final HttpClient http;
    private final Job job;
    private final String processorId;
    private final long maxChunkBytes;
    private final Duration stallTimeout;
    private final ProgressReporter progress;
    /** The file's chunk count once its upload is complete (from the server's last answer), else null. */
    private Integer knownTotal;
    private final BooleanSupplier lost;
    private final Deque<ChunkUrl> pending = new ArrayDeque<>();

    private InputStream current;
    private int nextChunk;
    private long bytes;
    private boolean ended;

    /** Receives the number of chunks fully handed to the engine. */
    @FunctionalInterface
    public interface ProgressReporter {
        void analysed(int chunks);
    }

    public ChunkStream(ServerApiClient server, HttpClient http, Job job, String processorId, long maxChunkBytes,
                       Duration stallTimeout, ProgressReporter progress, BooleanSupplier lost) {
        this(server, http, job, processorId, maxChunkBytes, stallTimeout, progress, lost, List.of());
    }

    /**
     * A stream that starts from {@code firstChunks}, the URLs the claim's answer carried: the
     * server is asked for more only once those are read (for a one-chunk file, never).
     */
    public ChunkStream(ServerApiClient server, HttpClient http, Job job, String processorId, long maxChunkBytes,
                       Duration stallTimeout, ProgressReporter progress, BooleanSupplier lost, List<ChunkUrl> firstChunks) {
        this.server = server;
        this.http = http;
        this.job = job;
        this.processorId = processorId;
        this.maxChunkBytes = maxChunkBytes;
        this.stallTimeout = stallTimeout;
        this.progress = progress;
        this.lost = lost;
        this.pending.addAll(firstChunks);
        // known once the claim saw the upload complete; otherwise the server's next answer says
        this.knownTotal = firstChunks.isEmpty() || job.uploaded() == null ? null : job.totalChunks();
    }

    public long bytesRead() {
        return bytes;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (!ended) {
            if (current == null && !openNextChunk()) {
                ended = true;
                break;
            }
            int n = current.read(buffer, offset, length);
            if (n > 0) {
                bytes += n;
                return n;
            }
            current.close();
            current = null;
            // The count that reaches the end of a completed upload is not reported: the result says it.
            if (knownTotal == null || nextChunk < knownTotal) {
                progress.analysed(nextChunk);
            }
        }
        return -1;
    }

    /** Opens the next chunk, waiting for it to land; false once the whole file has been read. */
    private boolean openNextChunk() throws IOException {
        if (pending.isEmpty() && knownTotal != null && nextChunk >= knownTotal) {
            // The upload was complete when last asked and every chunk has been read: no need to ask again.
            return false;
        }
        long deadline = System.nanoTime() + stallTimeout.toNanos();
        Duration wait = FIRST_POLL;
        while (pending.isEmpty()) {
            if (lost.getAsBoolean()) {
                throw new JobGoneException("job " + job.id() + " was taken over (its lease was lost) by another processor "
                        + "or by a newer attempt here");
            }
            ChunkDownloads downloads;
            try {
                downloads = server.chunkDownloads(job.id(), processorId, nextChunk);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("stopped while waiting for chunk " + nextChunk + " of job " + job.id());
            } catch (ServerCallException refused) {
                if (refused.status() == 403 || refused.status() == 409) {
                    throw new JobGoneException("job " + job.id() + " is no longer held by this processor: " + refused.getMessage());
                }
                throw refused;
            }
            Job now = downloads.job();
            if (Job.DONE.equals(now.status()) || Job.FAILED.equals(now.status())) {
                throw new JobGoneException("job " + job.id() + " ended while it was analysed: "
                        + (now.error() == null ? now.status() : now.error()));
            }
            knownTotal = now.totalChunks();
            pending.addAll(downloads.urls());
            if (pending.isEmpty()) {
                if (now.totalChunks() != null && nextChunk >= now.totalChunks()) {
                    return false;
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("upload of job " + job.id() + " stalled: chunk " + nextChunk
                            + " did not arrive within " + stallTimeout.toSeconds() + " s");
                }
                pause(wait);
                wait = wait.multipliedBy(2).compareTo(LONGEST_POLL) > 0 ? LONGEST_POLL : wait.multipliedBy(2);
            }
        }
        ChunkUrl chunk = pending.removeFirst();
        if (chunk.index() != nextChunk) {
            throw new IOException("server offered chunk " + chunk.index() + " of job " + job.id() + " where chunk "
                    + nextChunk + " was expected");
        }
        byte[] frame = download(chunk);
        LOG.info("job {} chunk {} read ({} bytes compressed)", job.id(), chunk.index(), frame.length);
        try {
            current = ChunkCodec.decompressing(frame, maxChunkBytes);
        } catch (IOException e) {
            throw new IOException("chunk " + chunk.index() + " of job " + job.id() + " is corrupt: " + e.getMessage(), e);
        }
        nextChunk++;
        return true;
    }

    /**
     * Downloads one chunk, retrying what may pass (connection errors, 5xx, 429) with back-off, and
     * asking the server for a fresh URL when storage refuses the one we have (it expired while the
     * job waited, or it was signed before a clock step).
     */
    private byte[] download(ChunkUrl chunk) throws IOException {
        String[] url = {chunk.url()};
        boolean[] refreshed = {false};
        try {
            return DOWNLOAD_RETRY.run("download of chunk " + chunk.index() + " of job " + job.id(), () -> {
                HttpRequest request = HttpRequest.newBuilder(URI.create(url[0])).timeout(Duration.ofMinutes(5)).GET().build();
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() == 200) {
                    return response.body();
                }
                if (response.statusCode() == 403 && !refreshed[0]) {
                    refreshed[0] = true;
                    url[0] = freshUrl(chunk.index());
                    throw new ServerCallException(503, "storage refused the URL of chunk " + chunk.index() + "; asking for a fresh one");
                }
                throw new ServerCallException(response.statusCode(), "storage answered HTTP " + response.statusCode()
                        + " for chunk " + chunk.index() + " of job " + job.id());
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("stopped while downloading chunk " + chunk.index() + " of job " + job.id());
        }
    }

    private String freshUrl(int index) throws IOException, InterruptedException {
        return server.chunkDownloads(job.id(), processorId, index).urls().stream()
                .filter(url -> url.index() == index).map(ChunkUrl::url).findFirst()
                .orElseThrow(() -> new IOException("the server offers no URL for chunk " + index + " of job " + job.id()));
    }

    private static void pause(Duration wait) throws InterruptedIOException {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("stopped while waiting for the next chunk");
        }
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
        ended = true;
    }
}
