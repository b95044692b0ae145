package dev.fileanalysis.server;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import dev.fileanalysis.server.auth.Caller;
import dev.fileanalysis.crypto.JobSignature;
import dev.fileanalysis.server.directory.DirectoryStore;
import dev.fileanalysis.server.directory.Organisation;
import dev.fileanalysis.server.directory.Plan;
import dev.fileanalysis.server.directory.Plans;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.Result;
import dev.fileanalysis.server.JobStore.StoredJob;
import dev.fileanalysis.server.refusal.ConflictException;
import dev.fileanalysis.server.refusal.InvalidRequestException;
import dev.fileanalysis.server.refusal.NotFoundException;
import dev.fileanalysis.server.refusal.NotPermittedException;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/**
 * What the client side of the API does: reserve a job, register the signed job, get presigned
 * PUTs for its chunks, report upload progress and completion, fetch and acknowledge results.
 * Jobs belong to the organisation the session is bound to; only their owner changes them (members
 * read their own, viewers, admins and owners read all of the organisation's). Results go only to
 * the user whose device the job was encrypted for. Plan limits are charged where the bytes are
 * handed out: at presigning.
 *
 * <p>Requests arrive checked against openapi.yaml (ContractCheck): the formats of ids, keys,
 * versions and signatures, required fields and their types are the document's. What is left here
 * depends on state or configuration: the reservation a job must match, its signature, the caller's
 * devices, the limits of {@code server.max-chunks} and {@code server.max-chunk-bytes}.
 */
public final class JobApi {

    /** How far beyond the first chunk not presigned yet a chunk may be presigned (bounds the gaps a job records). */
    static final int MAX_CHARGE_AHEAD = 256;

    /** Chunks a single progress report may newly confirm (each is checked in storage). */
    static final int MAX_PROGRESS_STEP = 256;

    private final JobStore jobs;
    private final ResultStore results;
    private final ChunkStorage chunks;
    private final String region;
    private final int maxChunks;
    private final long maxChunkBytes;
    private final DirectoryStore directory;
    private final Plans plans;

    public JobApi(JobStore jobs, ResultStore results, ChunkStorage chunks, String region, int maxChunks, long maxChunkBytes,
                  DirectoryStore directory, Plans plans) {
        this.jobs = jobs;
        this.results = results;
        this.chunks = chunks;
        this.region = region;
        this.maxChunks = maxChunks;
        this.maxChunkBytes = maxChunkBytes;
        this.directory = directory;
        this.plans = plans;
    }

    /**
     * Reserves a job id and its chunk location. The optional {@code request} id makes the call
     * idempotent: ids are derived from the caller and the request, so a retried request gets the
     * reservation it already has instead of a second one.
     */
    public Map<String, Object> reserve(@ExchangeProperty(Authorization.CALLER) Caller caller, Map<String, Object> body) {
        String request = Json.text(body, "request");
        Long bytes = Json.number(body, "bytes");
        if (bytes != null) {
            planOf(caller.organisation()).requireFileFits(bytes);
        }
        String id;
        String file;
        if (request == null) {
            id = "job-" + UUID.randomUUID();
            file = "file-" + UUID.randomUUID();
        } else {
            String seed = caller.subject() + "\n" + request;
            id = "job-" + UUID.nameUUIDFromBytes(("job\n" + seed).getBytes(StandardCharsets.UTF_8));
            file = "file-" + UUID.nameUUIDFromBytes(("file\n" + seed).getBytes(StandardCharsets.UTF_8));
        }
        if (!jobs.reserve(id, caller.subject(), caller.organisation(), chunks.bucket(), region, file)) {
            StoredJob existing = jobs.find(id).orElseThrow();
            if (!caller.subject().equals(existing.owner()) || !caller.organisation().equals(existing.organisation())) {
                throw new ConflictException("Reservation request " + request + " is already used.");
            }
        }
        Map<String, Object> reservation = new LinkedHashMap<>();
        reservation.put("id", id);
        reservation.put("bucket", chunks.bucket());
        reservation.put("region", region);
        reservation.put("file", file);
        return reservation;
    }

    /** Registers the job the client built and signed from its reservation; a retry of the same job is harmless. */
    public Job register(@ExchangeProperty(Authorization.CALLER) Caller caller, @Header("id") String id, Map<String, Object> body) {
        Job job = Job.unsigned(Json.text(body, "id"), Json.text(body, "version"), Json.text(body, "created"),
                Json.text(body, "bucket"), Json.text(body, "region"), Json.text(body, "file"), Json.text(body, "client"))
                .withSignature(Json.text(body, "signature"));
        if (!job.id().equals(id)) {
            throw new InvalidRequestException("The job's id " + job.id() + " does not match the URL's " + id + ".");
        }
        requireRealTime(job);
        StoredJob reservation = owned(caller, id);
        // Results are encrypted to this key and offered to its owner: it must be one of the caller's devices.
        if (!caller.subject().equals(directory.deviceOwner(job.client()).orElse(null))) {
            throw new NotPermittedException("The job's client key is not one of your registered devices; sign in on that device "
                    + "(which registers it) before uploading from it.");
        }
        Job reserved = reservation.job();
        if (!job.bucket().equals(reserved.bucket()) || !job.region().equals(reserved.region())
                || !job.file().equals(reserved.file())) {
            throw new InvalidRequestException("Job " + id + " names a bucket, region or file other than the ones reserved for it.");
        }
        if (!JobSignature.isValid(job)) {
            throw new InvalidRequestException("The signature of job " + id + " does not match its fields and client key; "
                    + "the job was not accepted.");
        }
        if (JobStore.RESERVED.equals(reserved.status())) {
            Optional<Job> registered = jobs.register(job);
            if (registered.isPresent()) {
                return registered.get();
            }
        }
        Job stored = jobs.find(id).orElseThrow().job();
        if (job.signature().equals(stored.signature())) {
            return stored;
        }
        throw new ConflictException("Job " + id + " is already registered with another signature.");
    }

    public Job get(@ExchangeProperty(Authorization.CALLER) Caller caller, @Header("id") String id) {
        StoredJob stored = inOrganisation(caller, id);
        if (!caller.seesWholeOrganisation() && !caller.subject().equals(stored.owner())) {
            throw new NotPermittedException("Job " + id + " belongs to another member; members see their own jobs.");
        }
        return stored.job();
    }

    /**
     * Presigned PUTs for chunks of the caller's job that is still uploading. Each URL's signature
     * covers the chunk's Content-MD5 and length.
     */
    public Map<String, Object> presignUploads(@ExchangeProperty(Authorization.CALLER) Caller caller,
                                              @Header("id") String id, Map<String, Object> body) {
        StoredJob stored = owned(caller, id);
        Job job = stored.job();
        if (job.uploaded() != null || !(Job.UPLOADING.equals(job.status()) || Job.PROCESSING.equals(job.status()))) {
            throw new ConflictException("Job " + id + " is not uploading (status " + job.status() + "); no more chunks can be sent.");
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> wanted = (List<Map<String, Object>>) body.get("chunks");
        SortedMap<Integer, Long> sizes = new TreeMap<>();
        Map<Integer, String> md5s = new LinkedHashMap<>();
        for (Map<String, Object> chunk : wanted) {
            // the document bounds an entry's form; these bounds are the server's configuration
            long index = Json.number(chunk, "index");
            long size = Json.number(chunk, "size");
            if (index >= maxChunks) {
                throw new InvalidRequestException("Chunk " + index + " is beyond this server's limit of " + maxChunks
                        + " chunks per job (server.max-chunks).");
            }
            if (size > maxChunkBytes) {
                throw new InvalidRequestException("Chunk " + index + " is " + size + " bytes; this server takes chunks of at most "
                        + maxChunkBytes + " bytes (server.max-chunk-bytes).");
            }
            sizes.put((int) index, size);
            md5s.put((int) index, Json.text(chunk, "md5"));
        }
        // Charged before any URL is signed: a refused request hands out nothing.
        charge(stored, sizes);
        List<Map<String, Object>> urls = new ArrayList<>();
        md5s.forEach((index, md5) -> urls.add(Map.of("index", index,
                "url", chunks.presignUpload(job.file(), index, md5, sizes.get(index)).toString())));
        return Map.of("job", id, "urls", urls);
    }

    /**
     * Charges the plan for chunks presigned for the first time, each at the size its URL allows.
     * Chunks are compressed in parallel and presigned as they finish, so not in order: the job
     * keeps a mark ("chunks below this were presigned") and the gaps below it that were skipped;
     * a chunk at or above the mark, or in a gap, is charged, and a URL asked for again (expired,
     * refused) is free. The organisation's counter is charged first, conditionally, so usage never
     * passes the limit; then the job's record, conditional on its version: if another request of
     * the same job moved it meanwhile, the charge is refunded and worked out again. A crash
     * between the two writes over-charges one request's chunks, never under-charges.
     */
    private void charge(StoredJob requested, SortedMap<Integer, Long> sizes) {
        String id = requested.job().id();
        if (sizes.lastKey() >= MAX_CHARGE_AHEAD + requested.charged().mark()) {
            throw new InvalidRequestException("Chunk " + sizes.lastKey() + " of job " + id + " is too far ahead: presign chunks at most "
                    + MAX_CHARGE_AHEAD + " beyond the first one not presigned yet (" + requested.charged().mark() + ").");
        }
        Organisation organisation = directory.organisation(requested.organisation()).orElseThrow(() -> new NotPermittedException(
                "The organisation of job " + id + " no longer exists."));
        StoredJob stored = requested;
        for (int attempt = 0; attempt < 10; attempt++) {
            JobStore.Charged seen = stored.charged();
            SortedSet<Integer> gaps = new TreeSet<>(seen.gaps());
            long bytes = 0;
            for (Map.Entry<Integer, Long> chunk : sizes.entrySet()) {
                if (chunk.getKey() >= seen.mark() || gaps.remove(chunk.getKey())) {
                    bytes += chunk.getValue();
                }
            }
            if (bytes == 0) {
                return;
            }
            int mark = Math.max(seen.mark(), sizes.lastKey() + 1);
            for (int index = seen.mark(); index < mark; index++) {
                if (!sizes.containsKey(index)) {
                    gaps.add(index);
                }
            }
            int newJobs = seen.mark() == 0 ? 1 : 0;
            directory.charge(organisation.id(), plans.planOf(organisation), bytes, newJobs);
            if (jobs.recordCharged(id, seen, new JobStore.Charged(mark, gaps, seen.version() + 1))) {
                return;
            }
            directory.refund(organisation.id(), bytes, newJobs);
            stored = jobs.find(id).orElseThrow(() -> new NotFoundException("Job " + id + " not found."));
        }
        throw new ConflictException("Chunks of job " + id + " kept being presigned by other requests at the same time; ask again.");
    }

    /** Raises the count of chunks landed contiguously from 0, after checking the last of them is in S3. */
    public Job recordProgress(@ExchangeProperty(Authorization.CALLER) Caller caller, @Header("id") String id,
                              Map<String, Object> body) {
        Job job = owned(caller, id).job();
        int landed = chunkCount(body);
        int known = job.chunks() == null ? 0 : job.chunks();
        if (landed <= known) {
            // A report that goes backwards (a late or repeated one) changes nothing.
            return job;
        }
        if (landed - known > MAX_PROGRESS_STEP) {
            throw new InvalidRequestException("Progress of job " + id + " may advance at most " + MAX_PROGRESS_STEP
                    + " chunks per report (from " + known + " to " + landed + " asked).");
        }
        // The count means "landed contiguously from 0": every chunk it newly covers must be there.
        for (int index = known; index < landed; index++) {
            if (!chunks.exists(job.file(), index)) {
                throw new ConflictException("Chunk " + index + " of job " + id + " has not landed in storage; "
                        + "upload it before reporting " + landed + " chunks.");
            }
        }
        return jobs.recordUploadProgress(id, landed);
    }

    public Job complete(@ExchangeProperty(Authorization.CALLER) Caller caller, @Header("id") String id, Map<String, Object> body) {
        Job job = owned(caller, id).job();
        int total = chunkCount(body);
        if (job.uploaded() != null) {
            if (job.totalChunks() != null && job.totalChunks() == total) {
                return job;
            }
            throw new ConflictException("Job " + id + " was already completed with " + job.totalChunks() + " chunks.");
        }
        if (JobStore.RESERVED.equals(job.status())) {
            throw new ConflictException("Job " + id + " has not been registered yet; register the signed job first.");
        }
        int known = job.chunks() == null ? 0 : job.chunks();
        if (total < known) {
            throw new InvalidRequestException("Job " + id + " already has " + known + " chunks; it cannot complete with " + total + ".");
        }
        if (total - known > MAX_PROGRESS_STEP) {
            throw new InvalidRequestException("Report progress of job " + id + " before completing it: " + (total - known)
                    + " chunks are not confirmed yet (at most " + MAX_PROGRESS_STEP + " at once).");
        }
        for (int index = known; index < total; index++) {
            if (!chunks.exists(job.file(), index)) {
                throw new ConflictException("Chunk " + index + " of job " + id + " has not landed in storage; "
                        + "the upload cannot be marked complete.");
            }
        }
        // The job as read above: its status is still what each completion write is conditional on.
        return jobs.completeUpload(job, total);
    }

    /**
     * The client gives up on its own job (the file changed or disappeared mid-upload): the job ends
     * FAILED at once, its chunks are deleted, and a processor streaming it lets go, instead of
     * waiting for the sweep's abandon timeout. Repeating it, or abandoning an ended job, is harmless.
     */
    public Job abandon(@ExchangeProperty(Authorization.CALLER) Caller caller, @Header("id") String id, Map<String, Object> body) {
        String given = Json.text(body, "reason");
        String reason = given != null && !given.isBlank() ? given : "the client gave up on it";
        if (reason.length() > 500) {
            reason = reason.substring(0, 500);
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            StoredJob stored = owned(caller, id);
            Job job = stored.job();
            if (Job.DONE.equals(job.status()) || Job.FAILED.equals(job.status())) {
                return job;
            }
            String resultId = ResultStore.idFor(id);
            String error = "Upload abandoned by its client: " + reason + ".";
            if (jobs.abandonByClient(job, error, resultId)) {
                if (job.client() != null) {
                    results.putOnce(new Result(resultId, id, job.client(), Job.FAILED, null, error, Instant.now().toString()),
                            stored.owner());
                }
                chunks.deleteAll(job.file());
                return jobs.find(id).orElseThrow().job();
            }
        }
        throw new ConflictException("Job " + id + " keeps changing; try abandoning it again.");
    }

    public List<Result> results(@ExchangeProperty(Authorization.CALLER) Caller caller, @Header("client") String client) {
        if (!caller.subject().equals(directory.deviceOwner(client).orElse(null))) {
            throw new NotPermittedException("Device " + abbreviate(client) + " is not one of your devices; results go only to the "
                    + "user whose device they are encrypted for.");
        }
        return results.forClient(client, caller.subject(), 100);
    }

    public Map<String, Object> acknowledge(@ExchangeProperty(Authorization.CALLER) Caller caller, @Header("id") String id) {
        // Acknowledging twice (a retry after a lost answer) is the same as once.
        String owner = results.ownerOf(id).orElse(null);
        if (owner == null) {
            return Map.of("acknowledged", id);
        }
        if (!owner.equals(caller.subject())) {
            throw new NotPermittedException("Result " + id + " belongs to another user.");
        }
        results.markFetched(id, Instant.now().toString());
        return Map.of("acknowledged", id);
    }

    /**
     * Acknowledges the results of one request (1 to 100, as the document says). Every id is checked
     * first (well-formed, the caller's own), so a refused request marks none of them.
     */
    public Map<String, Object> acknowledgeAll(@ExchangeProperty(Authorization.CALLER) Caller caller, Map<String, Object> body) {
        @SuppressWarnings("unchecked")
        List<String> ids = (List<String>) body.get("results");
        List<String> owned = new ArrayList<>();
        List<String> acknowledged = new ArrayList<>();
        for (String id : ids) {
            acknowledged.add(id);
            // Acknowledging twice (a retry after a lost answer) is the same as once: a gone result is fine.
            String owner = results.ownerOf(id).orElse(null);
            if (owner == null) {
                continue;
            }
            if (!owner.equals(caller.subject())) {
                throw new NotPermittedException("Result " + id + " belongs to another user; none of the results was acknowledged.");
            }
            owned.add(id);
        }
        String now = Instant.now().toString();
        owned.forEach(id -> results.markFetched(id, now));
        return Map.of("acknowledged", acknowledged);
    }

    /** A job the caller may change: their own, in the organisation their session is bound to. */
    private StoredJob owned(Caller caller, String id) {
        StoredJob stored = inOrganisation(caller, id);
        if (!caller.subject().equals(stored.owner())) {
            throw new NotPermittedException("Job " + id + " belongs to another member; only its owner changes it.");
        }
        return stored;
    }

    private StoredJob inOrganisation(Caller caller, String id) {
        StoredJob stored = jobs.find(id).orElseThrow(() -> new NotFoundException("Job " + id + " not found."));
        if (!caller.organisation().equals(stored.organisation())) {
            throw new NotPermittedException("Job " + id + " belongs to another organisation.");
        }
        return stored;
    }

    private Plan planOf(String organisationId) {
        return plans.planOf(directory.organisation(organisationId).orElseThrow(() -> new NotPermittedException(
                "Organisation " + organisationId + " no longer exists.")));
    }

    private static String abbreviate(String client) {
        return client.length() > 24 ? client.substring(0, 24) + "..." : client;
    }

    /** A count of chunks (the document makes it a whole number from 1); this server's limit is its configuration. */
    private int chunkCount(Map<String, Object> body) {
        long chunks = Json.number(body, "chunks");
        if (chunks > maxChunks) {
            throw new InvalidRequestException("Field 'chunks' is " + chunks + "; this server takes at most " + maxChunks
                    + " chunks per job (server.max-chunks).");
        }
        return (int) chunks;
    }

    /** The document fixes the form of 'created' (ISO-8601 UTC with milliseconds); a form can still name no real time. */
    private static void requireRealTime(Job job) {
        try {
            Instant.parse(job.created());
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("Job " + job.id() + ": created '" + job.created() + "' is not a valid time.");
        }
    }
}
