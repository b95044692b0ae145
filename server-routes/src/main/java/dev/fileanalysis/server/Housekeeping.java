package dev.fileanalysis.server;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.fileanalysis.server.directory.DirectoryStore;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.Result;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static dev.fileanalysis.server.JobStore.longNum;
import static dev.fileanalysis.server.JobStore.str;

/**
 * The server's own sweep, so that nothing grows without bound and nothing waits forever
 * (dynalite has no TTL; on AWS, DynamoDB TTL can come on top):
 * uploads whose client stopped sending end FAILED ("upload abandoned") with their chunks deleted,
 * which also frees a processor streaming them; reservations never registered are dropped;
 * finished jobs, fetched results and never-fetched results are deleted after their retention.
 * Every change is a conditional write, so several servers may sweep at once.
 */
public final class Housekeeping {

    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
    /** Items one sweep looks at per kind; what is left waits for the next sweep. */
    private static final int PAGE = 2000;

    private final JobStore jobs;
    private final DirectoryStore directory;
    private final ResultStore results;
    private final ChunkStorage chunks;
    private final Duration abandonAfter;
    private final Duration jobRetention;
    private final Duration resultRetention;
    private final Duration fetchedResultRetention;

    public Housekeeping(JobStore jobs, ResultStore results, ChunkStorage chunks, DirectoryStore directory, Duration abandonAfter,
                        Duration jobRetention, Duration resultRetention, Duration fetchedResultRetention) {
        this.jobs = jobs;
        this.directory = directory;
        this.results = results;
        this.chunks = chunks;
        this.abandonAfter = abandonAfter;
        this.jobRetention = jobRetention;
        this.resultRetention = resultRetention;
        this.fetchedResultRetention = fetchedResultRetention;
    }

    /** One sweep; returns what it did, for the log. */
    public String sweep() {
        long now = System.currentTimeMillis();
        int abandoned = 0;
        for (String status : new String[] {Job.UPLOADING, Job.PROCESSING}) {
            for (Map<String, AttributeValue> item : jobs.byStatus(status, null, PAGE)) {
                Long progressAt = longNum(item, "progressAt");
                if (item.containsKey("uploaded") || progressAt == null || now - progressAt < abandonAfter.toMillis()) {
                    continue;
                }
                if (abandon(JobStore.toStoredJob(item))) {
                    abandoned++;
                }
            }
        }
        String cutoff = Instant.ofEpochMilli(now).minus(jobRetention).toString();
        int reservations = 0;
        for (Map<String, AttributeValue> item : jobs.staleReservations(Instant.ofEpochMilli(now).minus(abandonAfter).toString(), PAGE)) {
            jobs.delete(str(item, "id"));
            reservations++;
        }
        int finished = 0;
        for (String status : new String[] {Job.DONE, Job.FAILED}) {
            for (Map<String, AttributeValue> item : jobs.byStatus(status, cutoff, PAGE)) {
                chunks.deleteAll(str(item, "file"));
                jobs.delete(str(item, "id"));
                finished++;
            }
        }
        int expiredResults = results.deleteExpired(Instant.ofEpochMilli(now).minus(fetchedResultRetention).toString(),
                Instant.ofEpochMilli(now).minus(resultRetention).toString(), PAGE);
        int expiredSignIns = directory.deleteExpired(PAGE);
        String summary = "abandoned " + abandoned + ", stale reservations " + reservations + ", finished jobs deleted "
                + finished + ", results deleted " + expiredResults + ", expired nonces, sessions and invitations deleted "
                + expiredSignIns;
        if (abandoned + reservations + finished + expiredResults + expiredSignIns > 0) {
            LOG.info("housekeeping: {}", summary);
        }
        return summary;
    }

    private boolean abandon(JobStore.StoredJob stored) {
        Job job = stored.job();
        String resultId = ResultStore.idFor(job.id());
        long minutes = Math.max(1, abandonAfter.toMinutes());
        String error = "Upload abandoned: no chunk of job " + job.id() + " arrived for " + (abandonAfter.toMinutes() >= 1
                ? minutes + " min" : abandonAfter.toSeconds() + " s") + ". Drop the file again to send it.";
        if (!jobs.abandon(job, error, resultId)) {
            return false;
        }
        // The reason carries no content of the file, so it travels in plain words like a failed signature.
        results.putOnce(new Result(resultId, job.id(), job.client(), Job.FAILED, null, error, Instant.now().toString()),
                stored.owner());
        chunks.deleteAll(job.file());
        LOG.warn("job {} FAILED: upload abandoned", job.id());
        return true;
    }
}
