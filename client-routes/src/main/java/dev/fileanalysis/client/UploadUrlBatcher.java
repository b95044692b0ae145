package dev.fileanalysis.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.apiclient.ServerApiClient.ChunkUpload;

/**
 * Presigned PUT URLs for the chunks of one job, asked for in batches: while one presign request
 * is on its way, the chunks that finish compressing meanwhile wait, and the next request carries
 * all of them. A chunk's URL covers its MD5 and length, so it can only be asked for once the chunk
 * is compressed; batching what is ready is how the client asks ahead without adding a round trip
 * per chunk (and the server charges the plan once per request, not once per chunk).
 */
final class UploadUrlBatcher {

    @FunctionalInterface
    interface Presigner {
        Map<Integer, String> presign(List<ChunkUpload> chunks) throws IOException, InterruptedException;
    }

    private static final class Wanted {
        final ChunkUpload chunk;
        String url;
        Exception failure;

        Wanted(ChunkUpload chunk) {
            this.chunk = chunk;
        }

        boolean answered() {
            return url != null || failure != null;
        }
    }

    private final Presigner presigner;
    private final int maxBatch;
    private final Map<Integer, Wanted> waiting = new LinkedHashMap<>();
    private boolean asking;

    UploadUrlBatcher(Presigner presigner) {
        this(presigner, ServerApiClient.MAX_PRESIGN_BATCH);
    }

    UploadUrlBatcher(Presigner presigner, int maxBatch) {
        this.presigner = presigner;
        this.maxBatch = maxBatch;
    }

    /** The URL for one chunk; blocks while the request that carries it is on its way. A failed request fails each chunk in it. */
    String url(ChunkUpload chunk) throws IOException, InterruptedException {
        Wanted mine = new Wanted(chunk);
        List<Wanted> batch;
        synchronized (this) {
            waiting.put(chunk.index(), mine);
            while (true) {
                while (asking && !mine.answered()) {
                    try {
                        wait();
                    } catch (InterruptedException interrupted) {
                        waiting.remove(chunk.index(), mine);
                        throw interrupted;
                    }
                }
                if (mine.answered()) {
                    return answer(mine);
                }
                // No request is on its way: this thread asks, for itself and everyone waiting.
                asking = true;
                batch = new ArrayList<>();
                batch.add(mine);
                waiting.remove(chunk.index());
                var others = waiting.values().iterator();
                while (batch.size() < maxBatch && others.hasNext()) {
                    batch.add(others.next());
                    others.remove();
                }
                break;
            }
        }
        Map<Integer, String> urls = null;
        Exception failure = null;
        try {
            List<ChunkUpload> chunks = new ArrayList<>(batch.size());
            batch.forEach(wanted -> chunks.add(wanted.chunk));
            urls = presigner.presign(chunks);
        } catch (InterruptedException e) {
            failure = e;
            // Keeps this thread's interruption visible to answer(), which rethrows it here only.
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        synchronized (this) {
            for (Wanted wanted : batch) {
                String url = urls == null ? null : urls.get(wanted.chunk.index());
                if (url != null) {
                    wanted.url = url;
                } else {
                    wanted.failure = failure != null ? failure
                            : new IOException("the server presigned no URL for chunk " + wanted.chunk.index());
                }
            }
            asking = false;
            notifyAll();
            return answer(mine);
        }
    }

    /** Chunks waiting for a request to carry them (for tests). */
    synchronized int waitingChunks() {
        return waiting.size();
    }

    private static String answer(Wanted wanted) throws IOException, InterruptedException {
        if (wanted.url != null) {
            return wanted.url;
        }
        Exception failure = wanted.failure;
        if (failure instanceof InterruptedException interrupted) {
            // Another thread's interruption is not this one's: report it as a failed request.
            if (Thread.currentThread().isInterrupted()) {
                throw interrupted;
            }
            throw new IOException("the presign request for chunk " + wanted.chunk.index() + " was interrupted", interrupted);
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        throw (RuntimeException) failure;
    }
}
