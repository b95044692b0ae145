package dev.fileanalysis.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.model.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims jobs while this processor has an idle worker, one job per worker, only of client
 * versions in its supported range. The server's conditional write makes each claim exclusive.
 */
public final class JobClaimer {

    private static final Logger LOG = LoggerFactory.getLogger(JobClaimer.class);

    private final ServerApiClient server;
    private final String processorId;
    private final String supportedVersions;
    private final Semaphore idleWorkers;

    public JobClaimer(ServerApiClient server, String processorId, String supportedVersions, int workers) {
        this.server = server;
        this.processorId = processorId;
        this.supportedVersions = supportedVersions;
        this.idleWorkers = new Semaphore(workers);
    }

    public String processorId() {
        return processorId;
    }

    /** Jobs claimed for the idle workers (possibly none). Each must be handed back with {@link #release()}. */
    public List<Job> claimForIdleWorkers() throws Exception {
        List<Job> claimed = new ArrayList<>();
        while (idleWorkers.tryAcquire()) {
            Job job;
            try {
                job = server.claimJob(processorId, supportedVersions);
            } catch (Exception e) {
                idleWorkers.release();
                throw e;
            }
            if (job == null) {
                idleWorkers.release();
                break;
            }
            LOG.info("claimed job {} (client version {}, {} chunks landed so far)", job.id(), job.version(), job.chunks());
            claimed.add(job);
        }
        return claimed;
    }

    public void release() {
        idleWorkers.release();
    }
}
