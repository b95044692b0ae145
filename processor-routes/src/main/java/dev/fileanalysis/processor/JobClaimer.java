package dev.fileanalysis.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.apiclient.ServerApiClient.ChunkDownloads;
import dev.fileanalysis.model.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims jobs while this processor has an idle worker, one job per worker, only of client
 * versions in its supported range: one request for every idle worker at once, whose answer
 * carries each job's first chunk URLs, so a job of one chunk costs no further call before its
 * download. The server's conditional write makes each claim exclusive.
 *
 * <p>An idle processor backs off: after each ask that found nothing, the next waits twice as long,
 * up to {@code processor.idle-claim-max-interval-ms}, so that an idle fleet costs the server a few
 * calls per processor per minute instead of four a second. Work found, or a worker freeing up,
 * ends the back-off at once.
 */
public final class JobClaimer {

    private static final Logger LOG = LoggerFactory.getLogger(JobClaimer.class);

    private final ServerApiClient server;
    private final String processorId;
    private final String supportedVersions;
    private final Semaphore idleWorkers;
    private final long firstBackOffMillis;
    private final long maxBackOffMillis;
    /** How long the last empty ask made the next one wait (0: not backing off), and when that is. */
    private long backOffMillis;
    private long nextAskAtNanos;

    public JobClaimer(ServerApiClient server, String processorId, String supportedVersions, int workers) {
        this(server, processorId, supportedVersions, workers, 250, 250);
    }

    /**
     * @param firstBackOffMillis the wait after the first ask that found nothing (the claim timer's period)
     * @param maxBackOffMillis the longest wait between asks while idle: the longest a new job waits for this processor
     */
    public JobClaimer(ServerApiClient server, String processorId, String supportedVersions, int workers,
                      long firstBackOffMillis, long maxBackOffMillis) {
        this.server = server;
        this.processorId = processorId;
        this.supportedVersions = supportedVersions;
        this.idleWorkers = new Semaphore(workers);
        this.firstBackOffMillis = Math.max(1, firstBackOffMillis);
        this.maxBackOffMillis = Math.max(this.firstBackOffMillis, maxBackOffMillis);
    }

    public String processorId() {
        return processorId;
    }

    /**
     * Jobs claimed for the idle workers (possibly none), each with the URLs of its chunks landed
     * so far. Each must be handed back with {@link #release()}.
     */
    public List<ChunkDownloads> claimForIdleWorkers() throws Exception {
        if (backingOff()) {
            return List.of();
        }
        int idle = 0;
        while (idle < ServerApiClient.MAX_CLAIMS && idleWorkers.tryAcquire()) {
            idle++;
        }
        if (idle == 0) {
            return List.of();
        }
        List<ChunkDownloads> claimed;
        try {
            claimed = server.claimJobs(processorId, supportedVersions, idle);
        } catch (Exception e) {
            idleWorkers.release(idle);
            throw e;
        }
        // a server answering with more than was asked for is not trusted with the rest
        if (claimed.size() > idle) {
            claimed = claimed.subList(0, idle);
        }
        idleWorkers.release(idle - claimed.size());
        if (claimed.isEmpty()) {
            backOff();
            return claimed;
        }
        endBackOff();
        for (ChunkDownloads claim : claimed) {
            Job job = claim.job();
            LOG.info("claimed job {} (client version {}, {} chunks landed so far)", job.id(), job.version(), job.chunks());
        }
        return new ArrayList<>(claimed);
    }

    /** A worker is free again: it asks at once, whatever the back-off. */
    public void release() {
        endBackOff();
        idleWorkers.release();
    }

    private synchronized boolean backingOff() {
        return backOffMillis > 0 && System.nanoTime() - nextAskAtNanos < 0;
    }

    private synchronized void backOff() {
        backOffMillis = backOffMillis == 0 ? firstBackOffMillis : Math.min(maxBackOffMillis, backOffMillis * 2);
        nextAskAtNanos = System.nanoTime() + backOffMillis * 1_000_000;
    }

    private synchronized void endBackOff() {
        backOffMillis = 0;
    }
}
