package dev.fileanalysis.server;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.fileanalysis.server.directory.DirectoryStore;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.Result;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static dev.fileanalysis.server.JobStore.longNum;

/**
 * The decisions of the server's sweep ({@code housekeeping.camel.yaml}), so that nothing grows
 * without bound and nothing waits forever (dynalite has no TTL; on AWS, DynamoDB TTL can come on
 * top): which uploads count as abandoned and ending them, which reservations are stale, which
 * finished jobs are past their retention, and the expiry of results and sign-in leftovers. The
 * routes delete chunks and job items themselves. Every change is conditional on what the sweep
 * saw, so several servers may sweep at once.
 */
public final class Housekeeping {

    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
    /** Items one sweep looks at per kind; what is left waits for the next sweep. */
    private static final int PAGE = 2000;

    private final JobStore jobs;
    private final DirectoryStore directory;
    private final ResultStore results;
    private final Duration abandonAfter;
    private final Duration jobRetention;
    private final Duration resultRetention;
    private final Duration fetchedResultRetention;
    /** When this server began to answer; null until then (see {@link #answering}). */
    private volatile Instant upSince;

    /** Judges no upload on silence until {@link #answering} says the server answers. */
    public Housekeeping(JobStore jobs, ResultStore results, DirectoryStore directory, Duration abandonAfter,
                        Duration jobRetention, Duration resultRetention, Duration fetchedResultRetention) {
        this(jobs, results, directory, abandonAfter, jobRetention, resultRetention, fetchedResultRetention, null);
    }

    /**
     * The server answers from now on (its routes have all started): silence before this instant
     * (a restart, a deployment, a start slowed by a busy machine) is not its clients'.
     */
    public void answering(Instant since) {
        this.upSince = since;
    }

    /** {@code upSince}: when this server began to answer; uploads are not judged on silence before it. */
    Housekeeping(JobStore jobs, ResultStore results, DirectoryStore directory, Duration abandonAfter,
                 Duration jobRetention, Duration resultRetention, Duration fetchedResultRetention, Instant upSince) {
        this.upSince = upSince;
        this.jobs = jobs;
        this.directory = directory;
        this.results = results;
        this.abandonAfter = abandonAfter;
        this.jobRetention = jobRetention;
        this.resultRetention = resultRetention;
        this.fetchedResultRetention = fetchedResultRetention;
    }

    /** Uploads (waiting or already streaming) whose client sent no chunk for the abandon timeout and never completed them. */
    public List<SweptJob> abandonedUploads() {
        long now = System.currentTimeMillis();
        // A client cannot send while the server is down: silence from before this server answered
        // (a restart, a deployment) is not the client's. Nothing is abandoned until the server has
        // itself been up for the whole abandon timeout.
        Instant answeringSince = upSince;
        if (answeringSince == null || now - answeringSince.toEpochMilli() < abandonAfter.toMillis()) {
            return List.of();
        }
        List<SweptJob> abandoned = new ArrayList<>();
        for (String status : new String[] {Job.UPLOADING, Job.PROCESSING}) {
            for (Map<String, AttributeValue> item : jobs.byStatus(status, null, PAGE)) {
                Long progressAt = longNum(item, "progressAt");
                if (!item.containsKey("uploaded") && progressAt != null && now - progressAt >= abandonAfter.toMillis()) {
                    abandoned.add(new SweptJob(JobStore.toStoredJob(item)));
                }
            }
        }
        return abandoned;
    }

    /**
     * Ends an abandoned upload FAILED with a result that tells its client why; false when it moved
     * on since the sweep looked (a chunk landed, the upload completed, a processor finished it), and
     * then nothing of it may be deleted.
     */
    public boolean endAbandonedUpload(SweptJob swept) {
        Job job = swept.stored().job();
        String resultId = ResultStore.idFor(job.id());
        long minutes = Math.max(1, abandonAfter.toMinutes());
        String error = "Upload abandoned: no chunk of job " + job.id() + " arrived for " + (abandonAfter.toMinutes() >= 1
                ? minutes + " min" : abandonAfter.toSeconds() + " s") + ". Drop the file again to send it.";
        if (!jobs.abandon(job, error, resultId)) {
            return false;
        }
        // The reason carries no content of the file, so it travels in plain words like a failed signature.
        results.putOnce(new Result(resultId, job.id(), job.client(), Job.FAILED, null, error, Instant.now().toString()),
                swept.stored().owner());
        LOG.warn("job {} FAILED: upload abandoned", job.id());
        return true;
    }

    /** Reservations never registered within the abandon timeout (their client gave up before signing the job). */
    public List<SweptJob> staleReservations() {
        return jobs.staleReservations(Instant.now().minus(abandonAfter).toString(), PAGE).stream()
                .map(item -> new SweptJob(JobStore.toStoredJob(item)))
                .toList();
    }

    /** DONE and FAILED jobs created longer ago than the job retention. */
    public List<SweptJob> finishedJobsPastRetention() {
        String cutoff = Instant.now().minus(jobRetention).toString();
        List<SweptJob> finished = new ArrayList<>();
        for (String status : new String[] {Job.DONE, Job.FAILED}) {
            for (Map<String, AttributeValue> item : jobs.byStatus(status, cutoff, PAGE)) {
                finished.add(new SweptJob(JobStore.toStoredJob(item)));
            }
        }
        return finished;
    }

    /**
     * Gives jobs written before the queue index existed their queue, so that claims find them
     * (JobStore#backfillQueues); returns how many it moved.
     */
    public int backfillJobQueues() {
        int moved = jobs.backfillQueues();
        if (moved > 0) {
            LOG.info("housekeeping: {} jobs from before the queue index put in their queues", moved);
        }
        return moved;
    }

    /** Results fetched longer ago than their retention, and results never fetched within theirs. */
    public int deleteExpiredResults() {
        Instant now = Instant.now();
        int deleted = results.deleteExpired(now.minus(fetchedResultRetention).toString(), now.minus(resultRetention).toString(), PAGE);
        if (deleted > 0) {
            LOG.info("housekeeping: {} results deleted after their retention", deleted);
        }
        return deleted;
    }

    /** Used sign-in nonces once they cannot be replayed, sessions a day after they expired, expired invitations. */
    public int deleteExpiredSignIns() {
        int deleted = directory.deleteExpired(PAGE);
        if (deleted > 0) {
            LOG.info("housekeeping: {} expired nonces, sessions and invitations deleted", deleted);
        }
        return deleted;
    }
}
