package dev.fileanalysis.server;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.fileanalysis.model.Job;
import dev.fileanalysis.server.aws.AwsClients;
import dev.fileanalysis.server.directory.DirectoryStore;
import dev.fileanalysis.server.testing.DevStackFixture;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweep's routes as housekeeping.camel.yaml declares them, against the real devstack (s3proxy
 * and dynalite): what it deletes and, as much, what it must leave alone. The timer is replaced by a
 * direct endpoint so that each test runs one sweep when it says.
 */
class HousekeepingRoutesIT extends CamelTestSupport {

    private static final String SWEEP = "direct:sweep-storage";
    private static final String LONG_AGO = "2020-01-01T00:00:00.000Z";

    private static DevStackFixture devstack;
    private static DynamoDbClient dynamo;
    private static S3Client s3;
    private static String bucket;
    private static JobStore jobs;
    private static ResultStore results;
    private static DirectoryStore directory;

    @BeforeAll
    static void startDevStack() throws Exception {
        devstack = DevStackFixture.start();
        dynamo = devstack.dynamoDb();
        s3 = new AwsClients(devstack.settings()).s3();
        bucket = devstack.settings().require("s3.bucket");
        jobs = new JobStore(dynamo, "pipeline-jobs");
        results = new ResultStore(dynamo, "pipeline-results");
        directory = new DirectoryStore(dynamo, "pipeline-directory", Clock.systemUTC());
    }

    @AfterAll
    static void stopDevStack() {
        if (devstack != null) {
            devstack.close();
        }
    }

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        Properties properties = new Properties();
        properties.setProperty("s3.bucket", bucket);
        properties.setProperty("server.jobs-table", "pipeline-jobs");
        configuration.withUseOverridePropertiesWithPropertiesComponent(properties);
        configuration.replaceRouteFromWith("sweep-storage", SWEEP);
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() throws Exception {
        Path file = Path.of(System.getProperty("pipeline.home", "..")).resolve("server-routes/housekeeping.camel.yaml");
        return PluginHelper.getRoutesLoader(context)
                .findRoutesBuilders(ResourceHelper.resolveMandatoryResource(context, "file:" + file.toAbsolutePath()))
                .toArray(RoutesBuilder[]::new);
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("housekeeping", new Housekeeping(jobs, results, directory, Duration.ofHours(1), Duration.ofHours(168),
                Duration.ofHours(720), Duration.ofHours(24), java.time.Instant.EPOCH));
        registry.bind("s3Client", s3);
        registry.bind("dynamoDbClient", dynamo);
    }

    @Test
    void aFinishedJobPastItsRetentionLosesEveryChunkAndItsItemWhileARunningJobKeepsAll() throws Exception {
        // More chunks than one S3 listing answers (1,000), so the route has to list again.
        Job finished = registered(LONG_AGO);
        putChunks(finished, 1001);
        String processor = "processor-" + UUID.randomUUID();
        jobs.claim(jobs.find(finished.id()).orElseThrow().job(), processor, System.currentTimeMillis(), 60_000).orElseThrow();
        assertThat(jobs.finish(finished.id(), processor, Job.DONE, ResultStore.idFor(finished.id()), null)).isTrue();
        // Created as long ago, but still being analysed while its chunks land.
        Job running = registered(LONG_AGO);
        putChunks(running, 2);
        jobs.recordUploadProgress(running.id(), 2);
        jobs.claim(jobs.find(running.id()).orElseThrow().job(), "processor-" + UUID.randomUUID(), System.currentTimeMillis(), 60_000)
                .orElseThrow();

        template.sendBody(SWEEP, null);

        assertThat(jobs.find(finished.id())).as("the finished job's item").isEmpty();
        assertThat(chunksOf(finished)).as("the finished job's chunks").isEmpty();
        assertThat(jobs.find(running.id())).as("the running job").hasValueSatisfying(stored -> {
            assertThat(stored.job().status()).isEqualTo(Job.PROCESSING);
            assertThat(stored.job().chunks()).isEqualTo(2);
        });
        assertThat(chunksOf(running)).as("the running job's chunks").hasSize(2);
    }

    @Test
    void anUploadWhoseClientWentSilentEndsFailedWithAResultThatSaysWhyAndLosesItsChunksWhileAnActiveUploadGoesOn() throws Exception {
        Job silent = registered(Instant.now().toString());
        putChunks(silent, 1);
        jobs.recordUploadProgress(silent.id(), 1);
        lastChunkLanded(silent, Duration.ofHours(2));
        Job active = registered(Instant.now().toString());
        putChunks(active, 1);
        jobs.recordUploadProgress(active.id(), 1);

        template.sendBody(SWEEP, null);

        Job ended = jobs.find(silent.id()).orElseThrow().job();
        assertThat(ended.status()).isEqualTo(Job.FAILED);
        assertThat(ended.error()).contains("Upload abandoned").contains(silent.id());
        assertThat(results.forClient(silent.client(), "owner-" + silent.id(), 10)).singleElement().satisfies(result -> {
            assertThat(result.status()).isEqualTo(Job.FAILED);
            assertThat(result.error()).contains("Upload abandoned").contains("Drop the file again");
        });
        assertThat(chunksOf(silent)).as("the abandoned upload's chunks").isEmpty();
        assertThat(jobs.find(active.id()).orElseThrow().job().status()).isEqualTo(Job.UPLOADING);
        assertThat(chunksOf(active)).as("the active upload's chunk").hasSize(1);
        assertThat(results.forClient(active.client(), "owner-" + active.id(), 10)).isEmpty();
    }

    @Test
    void aReservationNeverRegisteredIsDroppedButOneRegisteredAfterTheSweepSawItStays() {
        String stale = reserved();
        reservedAgo(stale, Duration.ofHours(2));
        String late = reserved();
        reservedAgo(late, Duration.ofHours(2));
        Housekeeping housekeeping = context.getRegistry().lookupByNameAndType("housekeeping", Housekeeping.class);
        List<SweptJob> seen = housekeeping.staleReservations().stream()
                .filter(job -> job.id().equals(stale) || job.id().equals(late)).toList();
        assertThat(seen).extracting(SweptJob::id).containsExactlyInAnyOrder(stale, late);

        // The late client registers its job between the sweep's look and its delete.
        assertThat(jobs.register(signed(late, Instant.now().toString()))).isPresent();
        for (SweptJob job : seen) {
            template.sendBody("direct:delete-job-item", job);
        }

        assertThat(jobs.find(stale)).as("the stale reservation").isEmpty();
        assertThat(jobs.find(late)).as("the job registered meanwhile")
                .hasValueSatisfying(stored -> assertThat(stored.job().status()).isEqualTo(Job.UPLOADING));
    }

    // ---- the state a client and a processor leave in the tables and the bucket

    private static String reserved() {
        String id = "job-" + UUID.randomUUID();
        assertThat(jobs.reserve(id, "owner-" + id, "org-test", bucket, "us-east-1", "file-" + UUID.nameUUIDFromBytes(id.getBytes())))
                .isTrue();
        return id;
    }

    private static Job registered(String created) {
        String id = reserved();
        return jobs.register(signed(id, created)).orElseThrow();
    }

    /** The job as its client would register it; the stores do not check signatures (the API does). */
    private static Job signed(String id, String created) {
        Job reservation = jobs.find(id).orElseThrow().job();
        String client = "client-04" + "ab".repeat(64);
        return new Job(id, "1.0.0", created, bucket, "us-east-1", reservation.file(), client, "30", Job.UPLOADING,
                0, null, null, null, null, null);
    }

    /** Uploads the job's first {@code count} chunks, a few at a time as a client does. */
    private static void putChunks(Job job, int count) throws Exception {
        ExecutorService uploads = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Object>> puts = new ArrayList<>();
            for (int index = 0; index < count; index++) {
                String key = ChunkStorage.chunkKey(job.file(), index);
                puts.add(() -> s3.putObject(put -> put.bucket(bucket).key(key), RequestBody.fromString("chunk")));
            }
            for (Future<Object> put : uploads.invokeAll(puts)) {
                put.get();
            }
        } finally {
            uploads.shutdown();
        }
    }

    private static List<String> chunksOf(Job job) {
        return s3.listObjectsV2Paginator(list -> list.bucket(bucket).prefix("chunks/" + job.file() + "/")).contents().stream()
                .map(S3Object::key).toList();
    }

    /** As if the job's last chunk landed that long ago. */
    private static void lastChunkLanded(Job job, Duration ago) {
        set(job.id(), "progressAt", AttributeValue.builder().n(Long.toString(System.currentTimeMillis() - ago.toMillis())).build());
    }

    /** As if the job was reserved that long ago. */
    private static void reservedAgo(String id, Duration ago) {
        set(id, "reserved", AttributeValue.builder().s(Instant.now().minus(ago).toString()).build());
    }

    private static void set(String id, String attribute, AttributeValue value) {
        dynamo.updateItem(update -> update.tableName("pipeline-jobs").key(Map.of("id", AttributeValue.builder().s(id).build()))
                .updateExpression("SET #attribute = :value")
                .expressionAttributeNames(Map.of("#attribute", attribute))
                .expressionAttributeValues(Map.of(":value", value)));
    }
}
