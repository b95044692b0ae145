package dev.fileanalysis.server;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fileanalysis.model.Job;
import dev.fileanalysis.server.auth.Caller;
import dev.fileanalysis.server.aws.AwsClients;
import dev.fileanalysis.server.testing.DevStackFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The claim path on the real dynalite: jobs spread over the queue index's shards, many processors
 * claiming at once through two servers, what an idle fleet's claims cost in DynamoDB requests, and
 * jobs written before the index existed.
 */
class ClaimQueueIT {

    private static final long LEASE_MILLIS = 60_000;
    private static final String VERSIONS = ">=1.0.0 <2.0.0";

    private static DevStackFixture devstack;
    /** DynamoDB requests by operation name, as this test's client sent them. */
    private static final Map<String, AtomicInteger> REQUESTS = new ConcurrentHashMap<>();
    private static DynamoDbClient dynamo;
    private static ChunkStorage chunks;

    @BeforeAll
    static void startDevStack() throws Exception {
        devstack = DevStackFixture.start();
        // The server's own client, as ServerBeans builds it, with a counter of the requests it sends.
        dynamo = new AwsClients(devstack.settings(), List.of(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                REQUESTS.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                        name -> new AtomicInteger()).incrementAndGet();
            }
        })).dynamoDb();
        AwsClients aws = new AwsClients(devstack.settings());
        chunks = new ChunkStorage(aws.s3(), aws.presigner(), devstack.settings().require("s3.bucket"), Duration.ofMinutes(5));
    }

    @AfterAll
    static void stopDevStack() {
        if (devstack != null) {
            devstack.close();
        }
    }

    @Test
    void thirtyTwoWorkersOnTwoServersClaimingAtOnceGetEveryJobExactlyOnce() throws Exception {
        JobStore serverA = new JobStore(dynamo, "pipeline-jobs");
        JobStore serverB = new JobStore(dynamo, "pipeline-jobs");
        List<String> ours = new ArrayList<>();
        for (int n = 0; n < 160; n++) {
            Job job = registered(serverA);
            serverA.recordUploadProgress(job.id(), 1);
            if (n % 2 == 0) {
                serverA.completeUpload(job.id(), 1);
            }
            ours.add(job.id());
        }
        assertThat(ours.stream().map(id -> JobStore.queue(Job.UPLOADING, id)).distinct().count())
                .as("queue shards the jobs landed in").isEqualTo(JobStore.QUEUE_SHARDS);

        Map<String, List<String>> claimsByJob = new ConcurrentHashMap<>();
        ExecutorService workers = Executors.newFixedThreadPool(32);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (int worker = 0; worker < 32; worker++) {
            ProcessorApi server = new ProcessorApi(worker % 2 == 0 ? serverA : serverB, null, chunks, LEASE_MILLIS, 2000);
            String processor = "processor-" + worker;
            boolean batches = worker % 4 >= 2;
            running.add(workers.submit(() -> {
                start.await();
                Caller caller = new Caller(processor, null, null, null, true);
                // Each worker asks, as a processor's claim timer would, until every job is taken:
                // half of them one job at a time (claim-job), half up to four at once (claim-jobs).
                await().atMost(Duration.ofMinutes(3)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20)).until(() -> {
                    List<Job> claimed = new ArrayList<>();
                    if (batches) {
                        claimed.addAll(claimedJobs(server.claimMany(caller,
                                Map.of("processor", processor, "versions", VERSIONS, "max", 4))));
                    } else {
                        Job one = server.claim(caller, Map.of("processor", processor, "versions", VERSIONS));
                        if (one != null) {
                            claimed.add(one);
                        }
                    }
                    for (Job job : claimed) {
                        claimsByJob.computeIfAbsent(job.id(), id -> Collections.synchronizedList(new ArrayList<>()))
                                .add(processor);
                    }
                    return claimsByJob.keySet().containsAll(ours);
                });
                return null;
            }));
        }
        start.countDown();
        for (Future<?> worker : running) {
            worker.get(5, TimeUnit.MINUTES);
        }
        workers.shutdown();

        for (String id : ours) {
            assertThat(claimsByJob.get(id)).as("processors that claimed " + id).hasSize(1);
            assertThat(serverB.find(id).orElseThrow().job().status()).isEqualTo(Job.PROCESSING);
        }
    }

    /** The jobs of a claim-jobs answer, each checked to come with a presigned GET per landed chunk. */
    @SuppressWarnings("unchecked")
    private static List<Job> claimedJobs(Map<String, Object> answer) {
        List<Job> jobs = new ArrayList<>();
        for (Map<String, Object> claim : (List<Map<String, Object>>) answer.get("claims")) {
            Job job = (Job) claim.get("job");
            List<Map<String, Object>> urls = (List<Map<String, Object>>) claim.get("urls");
            assertThat(job.chunks()).as("chunks landed of " + job.id()).isPositive();
            assertThat(urls).as("URLs of the landed chunks of " + job.id()).hasSize(job.chunks());
            assertThat(urls.get(0).get("url").toString()).contains("chunks/" + job.file() + "/0");
            jobs.add(job);
        }
        return jobs;
    }

    @Test
    void aClaimForSeveralWorkersTakesAsManyJobsAsItAsksForAndNoMore() {
        JobStore server = new JobStore(dynamo, "pipeline-jobs");
        String version = "3.1.0";
        List<String> ours = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            Job job = registered(server, version);
            server.recordUploadProgress(job.id(), 1);
            server.completeUpload(job.id(), 1);
            ours.add(job.id());
        }
        ProcessorApi api = new ProcessorApi(server, null, chunks, LEASE_MILLIS, 2000);
        Caller caller = new Caller("processor-batch", null, null, null, true);
        Map<String, Object> ask = Map.of("processor", "processor-batch", "versions", ">=3.0.0 <4.0.0", "max", 3);

        List<Job> first = claimedJobs(api.claimMany(caller, ask));
        List<Job> second = claimedJobs(api.claimMany(caller, ask));
        List<Job> third = claimedJobs(api.claimMany(caller, ask));

        assertThat(first).hasSize(3);
        assertThat(second).as("what was left").hasSize(2);
        assertThat(third).as("nothing waits: an empty list, not an error").isEmpty();
        assertThat(new ArrayList<>(first) {{ addAll(second); }}).extracting(Job::id).containsExactlyInAnyOrderElementsOf(ours)
                .doesNotHaveDuplicates();
        assertThat(first).allSatisfy(job -> assertThat(job.processor()).isEqualTo("processor-batch"));
        assertThatThrownBy(() -> api.claimMany(caller, Map.of("processor", "processor-batch", "versions", ">=3.0.0 <4.0.0",
                "max", 17))).hasMessageContaining("'max' must be between 1 and 16");
    }

    @Test
    void aProcessorOfTheNextMajorGetsItsJobBehindManyJobsOfTheOldOne() {
        JobStore server = new JobStore(dynamo, "pipeline-jobs");
        for (int n = 0; n < 60; n++) {
            Job old = registered(server, "1.4.0");
            server.completeUpload(old.id(), 1);
        }
        Job next = registered(server, "2.0.0");
        server.completeUpload(next.id(), 1);

        Job claimed = new ProcessorApi(server, null, null, LEASE_MILLIS, 2000).claim(
                new Caller("processor-v2", null, null, null, true), Map.of("processor", "processor-v2", "versions", ">=2.0.0 <3.0.0"));

        assertThat(claimed).isNotNull();
        assertThat(claimed.id()).isEqualTo(next.id());
    }

    @Test
    void idleClaimsQueryEachEmptyShardOnceAQuietTimeAndLookAgainAtOnceWhenAJobArrives() {
        JobStore server = new JobStore(dynamo, "pipeline-jobs");
        String idleVersion = "9.0.0";
        long now = System.currentTimeMillis();
        // Other tests' jobs may be waiting in the table: the first walk sees them; what follows
        // counts only what the hints spare.
        int heldSomething = JobStore.QUEUE_SHARDS - emptyShards();
        server.claimable(Job.UPLOADED, 25, now);

        int before = queries();
        for (int ask = 0; ask < 100; ask++) {
            server.claimable(Job.UPLOADED, 25, now + 10 + ask);
        }
        assertThat(queries() - before).as("queries of 100 asks within the quiet time: none of a shard that held nothing")
                .isLessThanOrEqualTo(100 * heldSomething);

        Job arrived = registered(server, idleVersion);
        server.completeUpload(arrived.id(), 1);
        assertThat(server.claimable(Job.UPLOADED, 100, now + 200)).as("claimable right after its upload completed")
                .extracting(Job::id).contains(arrived.id());

        int afterQuiet = queries();
        server.claimable(Job.UPLOADED, 100, now + 200 + ClaimHints.QUIET_MILLIS + 1);
        assertThat(queries() - afterQuiet).as("queries once the quiet time is over: every shard again")
                .isGreaterThanOrEqualTo(JobStore.QUEUE_SHARDS);
    }

    @Test
    void noHeldJobIsLookedAtForATakeoverBeforeTheEarliestLeaseCanHaveRunOut() {
        JobStore server = new JobStore(dynamo, "pipeline-jobs");
        Job held = registered(server);
        server.recordUploadProgress(held.id(), 1);
        long now = System.currentTimeMillis();
        server.claim(server.find(held.id()).orElseThrow().job(), "processor-held", now, LEASE_MILLIS).orElseThrow();

        assertThat(server.claimable(Job.PROCESSING, 100, now + 1)).extracting(Job::id).doesNotContain(held.id());
        int before = queries();
        assertThat(server.claimable(Job.PROCESSING, 100, now + 2)).extracting(Job::id).doesNotContain(held.id());
        assertThat(server.claimable(Job.PROCESSING, 100, now + LEASE_MILLIS / 2)).extracting(Job::id).doesNotContain(held.id());
        assertThat(queries() - before).as("queries for takeovers while every lease is known to be valid").isZero();

        assertThat(server.claimable(Job.PROCESSING, 100, now + LEASE_MILLIS + 1)).as("its lease ran out")
                .extracting(Job::id).contains(held.id());
    }

    @Test
    void aJobWrittenBeforeTheQueueIndexIsClaimedOnceTheBackfillGaveItItsQueue() {
        JobStore server = new JobStore(dynamo, "pipeline-jobs");
        String id = "job-" + UUID.randomUUID();
        // The item as a server of the previous version left it: a status, no queue.
        Map<String, AttributeValue> item = new HashMap<>(Map.of(
                "id", s(id), "status", s(Job.UPLOADED), "created", s(Instant.now().toString()), "version", s("1.0.0"),
                "owner", s("owner-" + id), "organisation", s("org-test"), "bucket", s("pipeline-chunks"),
                "region", s("us-east-1"), "file", s("file-" + UUID.randomUUID())));
        item.put("client", s("client-04" + "ab".repeat(64)));
        item.put("signature", s("30"));
        item.put("chunks", n(1));
        item.put("totalChunks", n(1));
        item.put("uploaded", s(Instant.now().toString()));
        dynamo.putItem(b -> b.tableName("pipeline-jobs").item(item));
        long now = System.currentTimeMillis();
        assertThat(server.claimable(Job.UPLOADED, 1000, now)).extracting(Job::id).doesNotContain(id);

        assertThat(server.backfillQueues()).isGreaterThanOrEqualTo(1);

        assertThat(server.claimable(Job.UPLOADED, 1000, now + 1)).extracting(Job::id).contains(id);
        assertThat(server.backfillQueues()).as("a second pass finds nothing left to move").isZero();
    }

    @Test
    void aJobAnOlderServerMovedOnIsNotOfferedFromItsOldQueueAndMovesToItsNewOne() {
        JobStore server = new JobStore(dynamo, "pipeline-jobs");
        Job job = registered(server);
        server.completeUpload(job.id(), 1);
        // An older server finishes it and writes the status alone.
        dynamo.updateItem(b -> b.tableName("pipeline-jobs").key(Map.of("id", s(job.id())))
                .updateExpression("SET #status = :done").expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":done", s(Job.DONE))));

        assertThat(server.claimable(Job.UPLOADED, 1000, System.currentTimeMillis())).extracting(Job::id).doesNotContain(job.id());
        assertThat(dynamo.getItem(b -> b.tableName("pipeline-jobs").key(Map.of("id", s(job.id())))).item().get("queue").s())
                .isEqualTo(JobStore.queue(Job.DONE, job.id()));
    }

    // ---- helpers

    private static Job registered(JobStore jobs) {
        return registered(jobs, "1.0.0");
    }

    private static Job registered(JobStore jobs, String version) {
        String id = "job-" + UUID.randomUUID();
        assertThat(jobs.reserve(id, "owner-" + id, "org-test", "pipeline-chunks", "us-east-1", "file-" + UUID.randomUUID())).isTrue();
        Job reservation = jobs.find(id).orElseThrow().job();
        return jobs.register(new Job(id, version, Instant.now().toString(), "pipeline-chunks", "us-east-1", reservation.file(),
                "client-04" + "ab".repeat(64), "30", Job.UPLOADING, 0, null, null, null, null, null)).orElseThrow();
    }

    /** Shards of UPLOADED that hold no job now. */
    private static int emptyShards() {
        int empty = 0;
        for (int shard = 0; shard < JobStore.QUEUE_SHARDS; shard++) {
            String queue = Job.UPLOADED + "#" + (shard < 10 ? "0" : "") + shard;
            if (dynamo.query(b -> b.tableName("pipeline-jobs").indexName("queue-created-index").limit(1)
                    .keyConditionExpression("#queue = :queue").expressionAttributeNames(Map.of("#queue", "queue"))
                    .expressionAttributeValues(Map.of(":queue", s(queue)))).items().isEmpty()) {
                empty++;
            }
        }
        return empty;
    }

    private static int queries() {
        AtomicInteger count = REQUESTS.get("Query");
        return count == null ? 0 : count.get();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
