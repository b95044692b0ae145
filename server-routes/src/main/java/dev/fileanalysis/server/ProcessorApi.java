package dev.fileanalysis.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.fileanalysis.server.auth.Caller;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.Result;
import dev.fileanalysis.server.JobStore.StoredJob;
import dev.fileanalysis.server.refusal.ConflictException;
import dev.fileanalysis.server.refusal.InvalidRequestException;
import dev.fileanalysis.server.refusal.NotFoundException;
import dev.fileanalysis.server.refusal.NotPermittedException;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.semver4j.Semver;
import org.semver4j.SemverException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What processors may do, and nothing more: claim a job, get presigned GETs for the chunks of a
 * job they hold, report how far the analysis got, and store the job's one result. Requests arrive
 * checked against openapi.yaml (ids, the payload's form, required fields); what is left here is
 * who holds the job and what state it is in.
 */
public final class ProcessorApi {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorApi.class);
    private static final int MAX_URLS = 16;
    /**
     * The form of a result's payload. Checked here rather than by openapi.yaml's schema: the request
     * validator's regular expressions (Rhino) take about ten seconds on a payload of 16 MB, this one
     * a few milliseconds.
     */
    private static final Pattern PAYLOAD = Pattern.compile("[0-9a-f]+:[0-9a-f]+:[0-9a-f]+:[0-9a-f]*");
    /** Stored reasons are cut to this length: a reason is for people reading logs, not a channel. */
    private static final int MAX_REASON_CHARS = 500;

    private final JobStore jobs;
    private final ResultStore results;
    private final ChunkStorage chunks;
    private final long leaseMillis;
    private final long retryBackoffMillis;

    public ProcessorApi(JobStore jobs, ResultStore results, ChunkStorage chunks, long leaseMillis, long retryBackoffMillis) {
        this.jobs = jobs;
        this.results = results;
        this.chunks = chunks;
        this.leaseMillis = leaseMillis;
        this.retryBackoffMillis = retryBackoffMillis;
    }

    /**
     * Renews the caller's lease on a job it holds. A processor that stops renewing (it died or
     * hangs) loses the job to the next processor that asks for work; 409 tells a holder it lost it.
     */
    public Map<String, Object> renewLease(@Header("id") String id, Map<String, Object> body) {
        String processor = Json.text(body, "processor");
        long until = System.currentTimeMillis() + leaseMillis;
        if (!jobs.renewLease(id, processor, until)) {
            throw new ConflictException("Job " + id + " is not held by " + processor + " any more; stop working on it.");
        }
        return Map.of("job", id, "leaseUntil", Instant.ofEpochMilli(until).toString());
    }

    /** Gives a job back after a failed attempt, so that it is tried again (possibly elsewhere). */
    public Map<String, Object> release(@Header("id") String id, Map<String, Object> body) {
        String processor = Json.text(body, "processor");
        String reason = Json.text(body, "reason");
        Job job = jobs.find(id).map(JobStore.StoredJob::job)
                .orElseThrow(() -> new NotFoundException("Job " + id + " not found."));
        // Back-off between attempts, doubling each time, so that an engine that is restarting
        // (or a dependency of it that is down) has time to come back before the next attempt.
        int attempts = job.attempts() == null ? 1 : job.attempts();
        long backoff = Math.min(retryBackoffMillis << Math.min(attempts - 1, 10), 10 * 60_000L);
        if (!jobs.release(id, processor, reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason,
                System.currentTimeMillis() + backoff)) {
            throw new ConflictException("Job " + id + " is not held by " + processor + "; nothing to release.");
        }
        LOG.warn("job {} released by {} for another attempt in {} ms: {}", id, processor, backoff, reason);
        return Map.of("job", id, "released", true);
    }

    /** Jobs a claim looks for before trying to take them, beyond those it wants. */
    private static final int CANDIDATES = 3;
    /** Jobs one claim-jobs request may take (the document's limit). */
    static final int MAX_CLAIMS = 16;

    /**
     * Claims the oldest waiting job whose client version the processor supports. Jobs are offered
     * as soon as their first chunk landed, so that analysis starts while the upload is still
     * running. Returns null (204) when there is nothing to do.
     */
    public Job claim(@ExchangeProperty(Authorization.CALLER) Caller caller, Map<String, Object> body) {
        List<Job> claimed = claimUpTo(caller, Json.text(body, "processor"), Json.text(body, "versions"), 1);
        return claimed.isEmpty() ? null : claimed.get(0);
    }

    /**
     * Claims up to {@code max} waiting jobs in one request, one per idle worker of the processor,
     * each with presigned GETs for the chunks that have landed so far: a queue of small files
     * costs the processor one call per batch of jobs instead of a claim and a presign per job.
     * Every job is still claimed on its own (a conditional write each), so it is claimed exactly
     * once however many processors ask at the same time. An empty list when nothing waits.
     */
    public Map<String, Object> claimMany(@ExchangeProperty(Authorization.CALLER) Caller caller, Map<String, Object> body) {
        int max = Json.number(body, "max").intValue();
        if (max < 1 || max > MAX_CLAIMS) {
            throw new InvalidRequestException("Field 'max' must be between 1 and " + MAX_CLAIMS + ", got " + max + ".");
        }
        List<Map<String, Object>> claims = new ArrayList<>();
        for (Job job : claimUpTo(caller, Json.text(body, "processor"), Json.text(body, "versions"), max)) {
            Map<String, Object> claim = new LinkedHashMap<>();
            claim.put("job", job);
            claim.put("urls", landedUrls(job, 0));
            claims.add(claim);
        }
        return Map.of("claims", claims);
    }

    private List<Job> claimUpTo(Caller caller, String processor, String range, int max) {
        long now = System.currentTimeMillis();
        List<Job> claimed = new ArrayList<>();
        for (String status : JobStore.CLAIMABLE_STATUSES) {
            // A few candidates more than wanted, in case another processor takes some first: each
            // claim starts at a random shard, so two rarely meet on the same job.
            for (Job candidate : jobs.claimable(status, max - claimed.size() + CANDIDATES - 1, now,
                    version -> supports(range, version))) {
                Optional<Job> taken = jobs.claim(candidate, processor, now, leaseMillis);
                if (taken.isEmpty()) {
                    continue;
                }
                if (Job.PROCESSING.equals(status)) {
                    LOG.warn("job {} taken over by {}: the lease of {} ran out", candidate.id(), processor, candidate.processor());
                } else {
                    LOG.info("job {} claimed by {} ({})", candidate.id(), processor, caller.subject());
                }
                claimed.add(taken.get());
                if (claimed.size() == max) {
                    return claimed;
                }
            }
        }
        return claimed;
    }

    /** Presigned GETs for the job's landed chunks from {@code from} on, at most {@value #MAX_URLS}. */
    private List<Map<String, Object>> landedUrls(Job job, int from) {
        int landed = job.chunks() == null ? 0 : job.chunks();
        List<Map<String, Object>> urls = new ArrayList<>();
        for (int index = from; index < landed && urls.size() < MAX_URLS; index++) {
            urls.add(Map.of("index", index, "url", chunks.presignDownload(job.file(), index).toString()));
        }
        return urls;
    }

    /** The job's current state and presigned GETs for its landed chunks from {@code from} on. */
    public Map<String, Object> chunkDownloads(@Header("id") String id, @Header("processor") String processor,
                                              @Header("from") Integer fromIndex) {
        Job job = held(id, processor);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("job", job);
        answer.put("urls", landedUrls(job, fromIndex == null ? 0 : fromIndex));
        return answer;
    }

    public Map<String, Object> recordAnalysis(@Header("id") String id, Map<String, Object> body) {
        String processor = Json.text(body, "processor");
        Job job = held(id, processor);
        int analysed = Json.number(body, "analysed").intValue();
        jobs.recordAnalysisProgress(job.id(), processor, analysed);
        return Map.of("job", id, "analysed", analysed);
    }

    /**
     * Stores the one result of a job and ends it. The result id is derived from the job id, so a
     * retried post finds its own result instead of storing a second one; a processor that no longer
     * holds the job is refused.
     */
    public Result storeResult(@Header("id") String id, Map<String, Object> body) {
        String processor = Json.text(body, "processor");
        String status = Json.text(body, "status");
        String payload = Json.text(body, "payload");
        String error = Json.text(body, "error");
        // one field or the other: a rule across fields, which the document's schema does not hold
        if (payload == null && error == null) {
            throw new InvalidRequestException("A result needs an encrypted 'payload', or an 'error' when nothing could be encrypted.");
        }
        if (payload != null && !PAYLOAD.matcher(payload).matches()) {
            throw new InvalidRequestException("Field 'payload' must be ephemeralPublicKeyHex:ivHex:tagHex:ciphertextHex in lowercase hex.");
        }
        StoredJob stored = jobs.find(id).orElseThrow(() -> new NotFoundException("Job " + id + " not found."));
        Job job = stored.job();
        String resultId = ResultStore.idFor(id);
        if (!processor.equals(job.processor())) {
            throw new ConflictException("Job " + id + " is not held by " + processor + "; its result is refused.");
        }
        if (!Job.PROCESSING.equals(job.status())) {
            if (resultId.equals(stored.result()) && status.equals(job.status())) {
                // The same processor posting again because it never saw our answer: the result is
                // already stored, so the retry succeeds without storing anything twice.
                return new Result(resultId, id, job.client(), job.status(), null, null, null);
            }
            throw new ConflictException("Job " + id + " already ended (" + job.status() + "); a second result is refused.");
        }
        Result result = new Result(resultId, id, job.client(), status, payload, error, Instant.now().toString());
        results.putOnce(result, stored.owner());
        if (!jobs.finish(id, processor, status, resultId, error)) {
            throw new ConflictException("Job " + id + " is not held by " + processor + " any more; its result is refused.");
        }
        int deleted = deleteChunks(stored);
        LOG.info("job {} {} by {}; result {} stored, {} chunks deleted", id, status, processor, resultId, deleted);
        return result;
    }

    /**
     * The ended job's chunks: those it presigned, by key, when its charge mark covers every chunk
     * (one request per chunk, no listing); by listing otherwise (a job from before charge marks).
     */
    private int deleteChunks(StoredJob stored) {
        Job job = stored.job();
        int presigned = stored.charged().mark();
        int total = job.totalChunks() == null ? 0 : job.totalChunks();
        return presigned > 0 && presigned >= total ? chunks.deletePresigned(job.file(), presigned) : chunks.deleteAll(job.file());
    }

    private Job held(String id, String processor) {
        Job job = jobs.find(id).orElseThrow(() -> new NotFoundException("Job " + id + " not found.")).job();
        if (!processor.equals(job.processor())) {
            throw new NotPermittedException("Job " + id + " is not held by " + processor + ".");
        }
        return job;
    }

    static boolean supports(String range, String version) {
        try {
            Semver semver = Semver.parse(version);
            return semver != null && semver.satisfies(range);
        } catch (SemverException e) {
            return false;
        }
    }
}
