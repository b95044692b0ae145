package dev.fileanalysis.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.fileanalysis.model.Job;
import dev.fileanalysis.server.refusal.ConflictException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The jobs table. Every state change is a single conditional write, because two processors (or a
 * client retrying) may race for the same item and DynamoDB emulators have no transactions.
 *
 * <p>Item life: RESERVED (server handed out an id) → UPLOADING (client registered the signed job)
 * → PROCESSING (a processor claimed it, possibly while chunks are still landing) → DONE or FAILED.
 * A job whose upload finished before any processor claimed it waits as UPLOADED. The upload's own
 * progress is {@code chunks} / {@code totalChunks} / {@code uploaded}, independent of the status.
 */
public final class JobStore {

    public static final String RESERVED = "RESERVED";
    static final String ORGANISATION_INDEX = "organisation-created-index";

    private final DynamoDbClient dynamo;
    private final String table;

    public JobStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, 0);
    }

    /** A store whose claims know the lease they grant ({@code server.claim-lease-seconds}), see {@link ClaimHints}. */
    public JobStore(DynamoDbClient dynamo, String table, long leaseMillis) {
        this.dynamo = dynamo;
        this.table = table;
        this.hints = new ClaimHints(leaseMillis);
    }

    /**
     * A stored job together with who owns it, the organisation it counts against, the id of its
     * result once it has one, and how many of its chunks were charged to the plan so far.
     */
    public record StoredJob(Job job, String owner, String organisation, String result, Charged charged) {
    }

    /**
     * What of a job was charged to its plan: every chunk below {@code mark} except the
     * {@code gaps} (indexes skipped when a later chunk was presigned first), and a version that
     * each change bumps so concurrent charges of one job cannot both apply.
     */
    public record Charged(int mark, java.util.SortedSet<Integer> gaps, long version) {
        static final Charged NOTHING = new Charged(0, new java.util.TreeSet<>(), 0);
    }

    /** Reserves a job id; false when that id is already taken (a retried reservation). */
    public boolean reserve(String id, String owner, String organisation, String bucket, String region, String file) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(id));
        item.put("status", s(RESERVED));
        item.put("owner", s(owner));
        item.put("organisation", s(organisation));
        item.put("bucket", s(bucket));
        item.put("region", s(region));
        item.put("file", s(file));
        item.put("reserved", s(Instant.now().toString()));
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(namesIn("attribute_not_exists(#id)")).build());
            return true;
        } catch (ConditionalCheckFailedException taken) {
            return false;
        }
    }

    public Optional<StoredJob> find(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("id", s(id))).consistentRead(true).build()).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(toStoredJob(item));
    }

    /** Turns a reservation into a registered job, returned as stored; empty if it was not RESERVED any more. */
    public Optional<Job> register(Job job) {
        try {
            Job registered = toStoredJob(dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(job.id())))
                    .updateExpression("SET #status = :uploading, #queue = :queue, #version = :version, #created = :created, "
                            + "#client = :client, #signature = :signature, #chunks = :zero, #progressAt = :now")
                    .conditionExpression("#status = :reserved")
                    .expressionAttributeNames(namesIn("#chunks #client #created #signature #status #queue #version #progressAt"))
                    .expressionAttributeValues(Map.of(
                            ":uploading", s(Job.UPLOADING), ":queue", s(queue(Job.UPLOADING, job.id())), ":reserved", s(RESERVED),
                            ":version", s(job.version()), ":created", s(job.created()),
                            ":client", s(job.client()), ":signature", s(job.signature()), ":zero", n(0),
                            ":now", n(System.currentTimeMillis())))
                    .returnValues(ReturnValue.ALL_NEW).build()).attributes()).job();
            queued(Job.UPLOADING, job.id());
            return Optional.of(registered);
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /** Raises the contiguous chunk count; never lowers it. Returns the job as stored afterwards. */
    public Job recordUploadProgress(String id, int chunks) {
        try {
            return toStoredJob(dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(id)))
                    .updateExpression("SET #chunks = :chunks, #progressAt = :now")
                    .conditionExpression("#chunks < :chunks AND attribute_not_exists(#uploaded)")
                    .expressionAttributeNames(namesIn("#chunks #uploaded #progressAt"))
                    .expressionAttributeValues(Map.of(":chunks", n(chunks), ":now", n(System.currentTimeMillis())))
                    .returnValues(ReturnValue.ALL_NEW).build()).attributes()).job();
        } catch (ConditionalCheckFailedException e) {
            return find(id).orElseThrow().job();
        }
    }

    /**
     * Marks the upload finished. A job nobody claimed yet becomes UPLOADED; a job a processor is
     * already streaming keeps PROCESSING and only learns its final chunk count.
     */
    public Job completeUpload(String id, int totalChunks) {
        return completeUpload(find(id).orElseThrow().job(), totalChunks);
    }

    /** {@link #completeUpload(String, int)} starting from the job as the caller just read it (one read fewer). */
    public Job completeUpload(Job seen, int totalChunks) {
        String id = seen.id();
        // The status may change under us (a processor claims the job, or gives it back after a
        // failed attempt): each write is conditional on the status just read, and is tried again
        // if that status moved, so a completion is never silently lost.
        for (int attempt = 0; attempt < 10; attempt++) {
            Job job = attempt == 0 ? seen : find(id).orElseThrow().job();
            if (job.uploaded() != null || Job.DONE.equals(job.status()) || Job.FAILED.equals(job.status())) {
                // A retry of a completion that already landed, or a job that already ended.
                return job;
            }
            boolean waiting = Job.UPLOADING.equals(job.status());
            String update = "SET #totalChunks = :total, #chunks = :total, #uploaded = :now"
                    + (waiting ? ", #status = :uploaded, #queue = :queue" : "");
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":total", n(totalChunks),
                    ":now", s(Instant.now().toString()), ":seen", s(job.status())));
            if (waiting) {
                values.put(":uploaded", s(Job.UPLOADED));
                values.put(":queue", s(queue(Job.UPLOADED, id)));
            }
            try {
                Job completed = toStoredJob(dynamo.updateItem(update(id, update,
                        "#status = :seen AND attribute_not_exists(#uploaded)", values)).attributes()).job();
                if (waiting) {
                    queued(Job.UPLOADED, id);
                }
                return completed;
            } catch (ConditionalCheckFailedException moved) {
                // read again and retry
            }
        }
        throw new ConflictException("Job " + id + " kept changing while its upload was being completed; complete it again.");
    }

    /**
     * The statuses a processor claims from, in the order the claim looks at them: finished uploads
     * (waiting longest, as a rule, and ready to be read to their end), uploads under way (analysis
     * starts while chunks still land), then jobs whose holder's lease ran out. Finished uploads
     * come first because a queue of small files passes through UPLOADING without ever being
     * claimable there (a one-chunk file's only progress is its completion): looked at first, the
     * uploads under way cost every claim a query of each of their shards, for nothing.
     */
    public static final List<String> CLAIMABLE_STATUSES = List.of(Job.UPLOADED, Job.UPLOADING, Job.PROCESSING);

    /**
     * Claimable jobs of one status, at most {@code limit}, oldest first within each queue shard:
     * unclaimed UPLOADED jobs or UPLOADING ones with chunk 0 landed, or PROCESSING jobs whose
     * holder's lease has run out (the holder died or hangs). The shards are visited from a random
     * one on, so that processors asking at once start on different partitions and rarely race for
     * the same job. What {@link ClaimHints} knows spares the queries that cannot find anything.
     */
    public List<Job> claimable(String status, int limit, long nowMillis) {
        return claimable(status, limit, nowMillis, version -> true);
    }

    /**
     * {@link #claimable(String, int, long)} of the client versions {@code versions} accepts only, so
     * that a processor of one version is never handed candidates it must skip while jobs it could
     * take wait further down the queue.
     */
    public List<Job> claimable(String status, int limit, long nowMillis, java.util.function.Predicate<String> versions) {
        List<Job> jobs = new ArrayList<>();
        if (!hints.worthLooking(status, nowMillis)) {
            return jobs;
        }
        int first = ThreadLocalRandom.current().nextInt(QUEUE_SHARDS);
        boolean[] complete = {true};
        long[] earliestLease = {Long.MAX_VALUE};
        for (int i = 0; i < QUEUE_SHARDS && jobs.size() < limit; i++) {
            int shard = (first + i) % QUEUE_SHARDS;
            if (hints.quiet(status, shard, nowMillis)) {
                continue;
            }
            long entriesBefore = hints.entriesBefore(status, shard);
            int seen = walkShard(status, shard, CLAIM_PAGE, nowMillis, (item, claimable) -> {
                if (claimable && versions.test(str(item, "version"))) {
                    jobs.add(toStoredJob(item).job());
                }
                if (Job.PROCESSING.equals(status)) {
                    // a lease that already ran out (a job of another version) keeps takeovers looked for
                    Long leaseUntil = longNum(item, "leaseUntil");
                    earliestLease[0] = Math.min(earliestLease[0], leaseUntil == null ? 0 : leaseUntil);
                }
                return jobs.size() < limit;
            });
            if (seen < 0) {
                complete[0] = false;
            } else if (seen == 0) {
                hints.sawEmpty(status, shard, nowMillis, entriesBefore);
            } else {
                hints.sawJobs(status, shard);
            }
        }
        if (Job.PROCESSING.equals(status) && jobs.isEmpty() && complete[0]) {
            hints.noTakeoverBefore(earliestLease[0], nowMillis);
        }
        return jobs;
    }

    /**
     * How many jobs of one status there are, and how many of them a processor could claim now, by
     * client version: the same test as {@link #claimable}, over every shard, so the backlog counted
     * is the one claims see. It looks at no more than {@value #MAX_EXAMINED} jobs of each shard (a
     * backlog that large keeps every processor busy whatever its exact size).
     */
    public StatusCount count(String status, long nowMillis) {
        Map<String, Integer> claimableByVersion = new TreeMap<>();
        Map<String, Integer> byVersion = new TreeMap<>();
        int[] jobs = {0};
        for (int shard = 0; shard < QUEUE_SHARDS; shard++) {
            walkShard(status, shard, 100, nowMillis, (item, claimable) -> {
                jobs[0]++;
                String version = str(item, "version");
                if (version != null) {
                    byVersion.merge(version, 1, Integer::sum);
                    if (claimable) {
                        claimableByVersion.merge(version, 1, Integer::sum);
                    }
                }
                return true;
            });
        }
        return new StatusCount(status, jobs[0], byVersion, claimableByVersion);
    }

    /** The jobs of one status, and those of them a processor could claim now, each by its client's version. */
    public record StatusCount(String status, int jobs, Map<String, Integer> jobsByVersion,
                              Map<String, Integer> claimableByVersion) {
    }

    /** What a walk over one queue does with each job item: false stops the walk. */
    private interface JobVisitor {
        boolean visit(Map<String, AttributeValue> item, boolean claimable);
    }

    /**
     * Walks one queue shard oldest first, page by page (the oldest items may all be unavailable, in
     * back-off or held under a valid lease, while a newer one is claimable), telling the visitor of
     * each item whether a processor could claim it now, until the visitor says stop or
     * {@value #MAX_EXAMINED} items were seen. Returns how many items it saw, or -1 when it stopped
     * before the end of the shard.
     *
     * <p>An item whose status is not its queue's was written by a server from before the queue
     * index (during a rolling update): it is moved to the right queue and not offered from this one.
     */
    private int walkShard(String status, int shard, int pageSize, long nowMillis, JobVisitor visitor) {
        Map<String, AttributeValue> start = null;
        int examined = 0;
        do {
            var page = dynamo.query(queueQuery(queue(status, shard), null, pageSize, start));
            for (Map<String, AttributeValue> item : page.items()) {
                examined++;
                String actual = str(item, "status");
                if (!status.equals(actual)) {
                    requeue(str(item, "id"), actual);
                    continue;
                }
                if (!visitor.visit(item, isClaimable(status, item, nowMillis))) {
                    return -1;
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && examined < MAX_EXAMINED);
        return start == null ? examined : -1;
    }

    /**
     * Whether a processor could claim this job of this status now: unclaimed and out of back-off (an
     * upload only once its first chunk landed), or held under a lease that ran out.
     */
    private static boolean isClaimable(String status, Map<String, AttributeValue> item, long nowMillis) {
        if (Job.PROCESSING.equals(status)) {
            Long leaseUntil = longNum(item, "leaseUntil");
            return leaseUntil != null && leaseUntil < nowMillis;
        }
        Long notBefore = longNum(item, "notBefore");
        return !item.containsKey("processor") && (notBefore == null || notBefore <= nowMillis)
                && (!Job.UPLOADING.equals(status) || hasLandedChunks(item));
    }

    /**
     * A job is started on its first chunk, not before: claimed earlier, its processor would only
     * poll until chunk 0 lands, a call per poll for nothing (most of a small file's processing).
     */
    private static boolean hasLandedChunks(Map<String, AttributeValue> item) {
        Long chunks = longNum(item, "chunks");
        return chunks != null && chunks >= 1;
    }

    /**
     * Index items a claim reads per query: a claim wants one job, and a query's read units grow
     * with the items it returns (one unit per 8 KB, eventually consistent), so claims read small
     * pages and only page on while what they find is not claimable.
     */
    private static final int CLAIM_PAGE = 25;

    /** Upper bound of index items one walk of a shard looks at, so a huge backlog cannot make a claim slow. */
    private static final int MAX_EXAMINED = 5000;

    private QueryRequest queueQuery(String queue, String createdBefore, int limit, Map<String, AttributeValue> start) {
        String condition = createdBefore == null ? "#queue = :queue" : "#queue = :queue AND #created < :before";
        Map<String, AttributeValue> values = createdBefore == null
                ? Map.of(":queue", s(queue)) : Map.of(":queue", s(queue), ":before", s(createdBefore));
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(QUEUE_INDEX)
                .keyConditionExpression(condition)
                .expressionAttributeNames(namesIn(condition))
                .expressionAttributeValues(values)
                .limit(limit);
        if (start != null) {
            query.exclusiveStartKey(start);
        }
        return query.build();
    }

    /**
     * Items of one status, oldest first, optionally only those created before {@code createdBefore}:
     * at most {@code limit} from each shard, merged by creation time and cut to {@code limit}.
     */
    List<Map<String, AttributeValue>> byStatus(String status, String createdBefore, int limit) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int shard = 0; shard < QUEUE_SHARDS; shard++) {
            Map<String, AttributeValue> start = null;
            int fromShard = 0;
            do {
                var page = dynamo.query(queueQuery(queue(status, shard), createdBefore, Math.min(100, limit - fromShard), start));
                for (Map<String, AttributeValue> item : page.items()) {
                    if (status.equals(str(item, "status"))) {
                        items.add(item);
                        fromShard++;
                    } else {
                        requeue(str(item, "id"), str(item, "status"));
                    }
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null && fromShard < limit);
        }
        items.sort(java.util.Comparator.comparing(item -> String.valueOf(str(item, "created"))));
        return items.size() <= limit ? items : new ArrayList<>(items.subList(0, limit));
    }

    // ---- the queue index ----

    /**
     * The claim index. Its partition key is a job's queue, {@code STATUS#SHARD}: its status and one
     * of {@value #QUEUE_SHARDS} shards fixed by its id, so that the jobs of one status, and every
     * write that moves a job between statuses, spread over that many partition key values instead
     * of all landing on one (docs/scale.md models why and how far this carries).
     */
    static final String QUEUE_INDEX = "queue-created-index";

    /**
     * Shards per status. Items keep the shard they were written with, so this may grow (claims
     * then look at the new shards too) but must not shrink while jobs sit in the higher ones.
     */
    public static final int QUEUE_SHARDS = 16;

    /** The queue a job of this status and id is in. */
    public static String queue(String status, String id) {
        return queue(status, Math.floorMod(id.hashCode(), QUEUE_SHARDS));
    }

    private static String queue(String status, int shard) {
        return status + "#" + (shard < 10 ? "0" : "") + shard;
    }

    /** What this server learnt about its queues, so an idle fleet's claims cost almost no reads. */
    private final ClaimHints hints;

    /** A job entered a queue through this server: claims look there again at once. */
    private void queued(String status, String id) {
        hints.entered(status, Math.floorMod(id.hashCode(), QUEUE_SHARDS));
    }

    /** Puts a job into the queue of the status it has now, unless its status moved meanwhile. */
    private void requeue(String id, String status) {
        if (id == null || status == null) {
            return;
        }
        try {
            dynamo.updateItem(update(id, "SET #queue = :queue", "#status = :status",
                    Map.of(":queue", s(queue(status, id)), ":status", s(status))));
            queued(status, id);
        } catch (ConditionalCheckFailedException moved) {
            // its writer set the queue with the new status
        }
    }

    /**
     * Gives every job that has no queue yet (written before the queue index existed) the queue of
     * its status, page by page over the whole table; each write is conditional on the status read,
     * so a job that moves meanwhile keeps the queue its mover gave it. Returns how many it moved.
     * Safe to run on several servers at once and again after a crash.
     */
    public int backfillQueues() {
        String filter = "attribute_exists(#created) AND attribute_not_exists(#queue)";
        int moved = 0;
        Map<String, AttributeValue> start = null;
        do {
            var request = software.amazon.awssdk.services.dynamodb.model.ScanRequest.builder().tableName(table)
                    .filterExpression(filter)
                    .expressionAttributeNames(namesIn(filter + " #id #status"))
                    .projectionExpression("#id, #status")
                    .limit(500);
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            var page = dynamo.scan(request.build());
            for (Map<String, AttributeValue> item : page.items()) {
                String id = str(item, "id");
                String status = str(item, "status");
                if (id == null || status == null) {
                    continue;
                }
                try {
                    dynamo.updateItem(update(id, "SET #queue = :queue", "#status = :status AND attribute_not_exists(#queue)",
                            Map.of(":queue", s(queue(status, id)), ":status", s(status))));
                    queued(status, id);
                    moved++;
                } catch (ConditionalCheckFailedException movedMeanwhile) {
                    // its new status came with its queue
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return moved;
    }

    /**
     * Claims a job for one processor with a conditional write, so that of several processors
     * racing for the same job exactly one wins.
     */
    public Optional<Job> claim(Job seen, String processor, long nowMillis, long leaseMillis) {
        String update = "SET #processor = :processor, #status = :processing, #queue = :queue, #claimed = :now, "
                + "#leaseUntil = :until ADD #attempts :one";
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":processor", s(processor),
                ":processing", s(Job.PROCESSING), ":queue", s(queue(Job.PROCESSING, seen.id())), ":now", s(Instant.ofEpochMilli(nowMillis).toString()),
                ":until", n(nowMillis + leaseMillis), ":one", n(1), ":seen", s(seen.status())));
        String condition;
        if (Job.PROCESSING.equals(seen.status())) {
            // Taking over from a holder whose lease ran out: only if it still holds the job and
            // has not renewed in the meantime.
            condition = "#status = :seen AND #processor = :previous AND #leaseUntil < :nowMillis";
            values.put(":previous", s(seen.processor()));
            values.put(":nowMillis", n(nowMillis));
        } else {
            condition = "attribute_not_exists(#processor) AND #status = :seen";
        }
        try {
            return Optional.of(toStoredJob(dynamo.updateItem(update(id(seen), update, condition, values)).attributes()).job());
        } catch (ConditionalCheckFailedException lost) {
            return Optional.empty();
        }
    }

    /** Extends the holder's lease; false when it does not hold the job any more. */
    public boolean renewLease(String id, String processor, long untilMillis) {
        try {
            dynamo.updateItem(update(id, "SET #leaseUntil = :until", "#processor = :processor AND #status = :processing",
                    Map.of(":until", n(untilMillis), ":processor", s(processor), ":processing", s(Job.PROCESSING))));
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        }
    }

    /**
     * Gives a job back for another attempt (its engine failed): it becomes claimable again, by
     * any processor, from {@code notBeforeMillis} on. False when the caller does not hold it.
     */
    public boolean release(String id, String processor, String reason, long notBeforeMillis) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Job job = find(id).map(StoredJob::job).orElse(null);
            if (job == null || !processor.equals(job.processor()) || !Job.PROCESSING.equals(job.status())) {
                return false;
            }
            String back = job.uploaded() == null ? Job.UPLOADING : Job.UPLOADED;
            // The status it goes back to must match the upload as it is at the write: a completion
            // landing in between makes the condition fail, and the loop reads again.
            String uploadState = job.uploaded() == null ? "attribute_not_exists(#uploaded)" : "attribute_exists(#uploaded)";
            try {
                dynamo.updateItem(update(id, "SET #status = :back, #queue = :queue, #lastError = :reason, "
                                + "#notBefore = :notBefore REMOVE #processor, #leaseUntil, #analysed",
                        "#processor = :processor AND #status = :processing AND " + uploadState,
                        Map.of(":back", s(back), ":queue", s(queue(back, id)), ":reason", s(reason), ":processor", s(processor),
                                ":processing", s(Job.PROCESSING), ":notBefore", n(notBeforeMillis))));
                queued(back, id);
                return true;
            } catch (ConditionalCheckFailedException moved) {
                // read again
            }
        }
        return false;
    }

    /**
     * Ends a job its own client gave up on (the file changed or vanished): FAILED from whatever
     * unfinished state it was seen in; false if it moved on meanwhile.
     */
    public boolean abandonByClient(Job seen, String error, String resultId) {
        try {
            dynamo.updateItem(update(seen.id(), "SET #status = :failed, #queue = :queue, #error = :error, #result = :result, "
                    + "#finished = :now", "#status = :seen", Map.of(":seen", s(seen.status()), ":failed", s(Job.FAILED),
                            ":queue", s(queue(Job.FAILED, seen.id())), ":error", s(error),
                            ":result", s(resultId), ":now", s(Instant.now().toString()))));
            return true;
        } catch (ConditionalCheckFailedException moved) {
            return false;
        }
    }

    /** Ends a job that is not held by a working processor (abandoned upload); false if it moved on meanwhile. */
    public boolean abandon(Job seen, String error, String resultId) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":seen", s(seen.status()), ":failed", s(Job.FAILED),
                ":error", s(error), ":result", s(resultId), ":now", s(Instant.now().toString()),
                ":chunks", n(seen.chunks() == null ? 0 : seen.chunks()), ":queue", s(queue(Job.FAILED, seen.id()))));
        try {
            // Only if nothing moved since the sweep looked: no new chunk, not completed, same status.
            dynamo.updateItem(update(seen.id(), "SET #status = :failed, #queue = :queue, #error = :error, #result = :result, "
                    + "#finished = :now",
                    "#status = :seen AND attribute_not_exists(#uploaded) AND #chunks = :chunks", values));
            return true;
        } catch (ConditionalCheckFailedException moved) {
            return false;
        }
    }

    public void delete(String id) {
        dynamo.deleteItem(request -> request.tableName(table).key(Map.of("id", s(id))));
    }

    /** Reservations never turned into a job (their client gave up before registering). */
    public List<Map<String, AttributeValue>> staleReservations(String reservedBefore, int limit) {
        String filter = "#status = :reserved AND #reserved < :before";
        return dynamo.scan(request -> request.tableName(table).filterExpression(filter)
                .expressionAttributeNames(namesIn(filter))
                .expressionAttributeValues(Map.of(":reserved", s(RESERVED), ":before", s(reservedBefore)))
                .limit(limit)).items();
    }

    private static String id(Job job) {
        return job.id();
    }

    public void recordAnalysisProgress(String id, String processor, int analysed) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(id)))
                    .updateExpression("SET #analysed = :analysed")
                    .conditionExpression("#processor = :processor AND #status = :processing")
                    .expressionAttributeNames(namesIn("#analysed #processor #status"))
                    .expressionAttributeValues(Map.of(":analysed", n(analysed), ":processor", s(processor),
                            ":processing", s(Job.PROCESSING)))
                    .build());
        } catch (ConditionalCheckFailedException e) {
            throw new ConflictException("Job " + id + " is not being processed by " + processor + ".");
        }
    }

    /** Ends a job held by {@code processor}; false when it does not hold it (any more). */
    public boolean finish(String id, String processor, String status, String resultId, String error) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":processor", s(processor), ":processing", s(Job.PROCESSING), ":status", s(status),
                ":result", s(resultId), ":now", s(Instant.now().toString()), ":queue", s(queue(status, id))));
        String update = "SET #status = :status, #queue = :queue, #result = :result, #finished = :now";
        if (error != null) {
            update += ", #error = :error";
            values.put(":error", s(error));
        }
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(id)))
                    .updateExpression(update)
                    .conditionExpression("#processor = :processor AND #status = :processing")
                    .expressionAttributeNames(namesIn(update + " #processor #status"))
                    .expressionAttributeValues(values)
                    .build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** A conditional update by id; every attribute is named through {@code #name}. */
    private UpdateItemRequest update(String id, String updateExpression, String conditionExpression,
                                     Map<String, AttributeValue> values) {
        return UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(id)))
                .updateExpression(updateExpression)
                .conditionExpression(conditionExpression)
                .expressionAttributeNames(namesIn(updateExpression + " " + conditionExpression))
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)
                .build();
    }

    /**
     * Expression attribute names for every {@code #name} in the expressions: DynamoDB reserves
     * words such as status, owner and error, and refuses a names map with unused entries.
     */
    static Map<String, String> namesIn(String expressions) {
        Map<String, String> names = new HashMap<>();
        Matcher matcher = NAME.matcher(expressions);
        while (matcher.find()) {
            names.put("#" + matcher.group(1), matcher.group(1));
        }
        return names;
    }

    private static final Pattern NAME = Pattern.compile("#(\\w+)");

    static StoredJob toStoredJob(Map<String, AttributeValue> item) {
        Job job = new Job(str(item, "id"), str(item, "version"), str(item, "created"), str(item, "bucket"),
                str(item, "region"), str(item, "file"), str(item, "client"), str(item, "signature"),
                str(item, "status"), num(item, "chunks"), num(item, "totalChunks"), str(item, "processor"),
                str(item, "uploaded"), num(item, "analysed"), str(item, "error"), num(item, "attempts"));
        return new StoredJob(job, str(item, "owner"), str(item, "organisation"), str(item, "result"), charged(item));
    }

    private static Charged charged(Map<String, AttributeValue> item) {
        Integer mark = num(item, "chargedMark");
        if (mark == null) {
            return Charged.NOTHING;
        }
        java.util.SortedSet<Integer> gaps = new java.util.TreeSet<>();
        String text = str(item, "chargedGaps");
        if (text != null && !text.isEmpty()) {
            for (String index : text.split(",")) {
                gaps.add(Integer.valueOf(index));
            }
        }
        return new Charged(mark, gaps, longNum(item, "chargeVersion"));
    }

    /**
     * Records what is charged now, only if nobody changed it since {@code seen} was read; false
     * when someone did (the caller refunds and tries again).
     */
    public boolean recordCharged(String id, Charged seen, Charged now) {
        String condition = seen.version() == 0 ? "attribute_not_exists(#chargeVersion)" : "#chargeVersion = :seen";
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":mark", n(now.mark()), ":version", n(seen.version() + 1),
                ":gaps", s(now.gaps().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")))));
        if (seen.version() != 0) {
            values.put(":seen", n(seen.version()));
        }
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(id)))
                    .updateExpression("SET #chargedMark = :mark, #chargedGaps = :gaps, #chargeVersion = :version")
                    .conditionExpression(condition)
                    .expressionAttributeNames(namesIn("#chargedMark #chargedGaps #chargeVersion"))
                    .expressionAttributeValues(values)
                    .build());
            return true;
        } catch (ConditionalCheckFailedException moved) {
            return false;
        }
    }

    /** The newest registered jobs of an organisation, at most {@code limit}, newest first. */
    public List<StoredJob> ofOrganisation(String organisation, int limit) {
        List<StoredJob> found = new ArrayList<>();
        for (Map<String, AttributeValue> item : dynamo.query(QueryRequest.builder().tableName(table)
                .indexName(ORGANISATION_INDEX)
                .keyConditionExpression("#organisation = :organisation")
                .expressionAttributeNames(namesIn("#organisation"))
                .expressionAttributeValues(Map.of(":organisation", s(organisation)))
                .scanIndexForward(false)
                .limit(limit)
                .build()).items()) {
            found.add(toStoredJob(item));
        }
        return found;
    }

    static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }

    static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    static Long longNum(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? null : Long.valueOf(value.n());
    }

    static Integer num(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? null : Integer.valueOf(value.n());
    }
}
