package dev.fileanalysis.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.apiclient.ServerCallException;
import dev.fileanalysis.apiclient.TokenSource;
import dev.fileanalysis.crypto.ResultCipher;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.Result;
import dev.fileanalysis.model.ResultPlaintext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Processors die, hang and lose jobs; the server restarts; uploads are abandoned. Claims are
 * leases, so a job is never orphaned, and the server refuses every result but the current
 * holder's: one result per job. Clients and processors ride out a server restart by retrying.
 * Runs its own system with short leases and a quick sweep so that expiry happens within a test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecoveryIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String LEASE_SECONDS = "4";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;

    private RunningPipeline pipeline;
    private URI serverUrl;
    private URI tokenUrl;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startPipeline() throws Exception {
        pipeline = RunningPipeline.start(data,
                "server.claim-lease-seconds=" + LEASE_SECONDS, "processor.lease-renew-ms=1000",
                "server.upload-abandon-seconds=10", "server.sweep-interval-ms=500",
                "server.fetched-result-retention-seconds=5",
                "processor.claim-interval-ms=100", "client.result-poll-ms=250");
        serverUrl = pipeline.address("server");
        tokenUrl = URI.create(pipeline.devstack().getProperty("oidc.token-url"));
    }

    @AfterAll
    void stopPipeline() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** The decrypted result, refused unless it names the job it is filed under. */
    private static ResultPlaintext answer(TestClient device, Result result) throws Exception {
        return ResultPlaintext.readFor(result.job(), ResultCipher.decrypt(result.payload(), device.keys));
    }

    private ServerApiClient processorCredential() {
        return new ServerApiClient(http, serverUrl, new TokenSource(http, tokenUrl, "processor", "x"));
    }

    @Test
    void aJobWhoseHolderStopsRenewingIsTakenOverAndOnlyTheNewHoldersResultCounts() throws Exception {
        TestClient device = new TestClient(serverUrl, "lease-user");
        // Version 6: none of the system's processors takes it, the test plays both processors.
        Job job = device.register("6.0.0");
        device.uploadChunk(job, 0, "leased".getBytes(StandardCharsets.UTF_8));
        device.server.reportUploadProgress(job.id(), 1);
        device.server.completeUpload(job.id(), 1);
        ServerApiClient processors = processorCredential();
        String first = "processor-" + UUID.randomUUID();
        String second = "processor-" + UUID.randomUUID();

        Job claimed = await().atMost(TIMEOUT).until(() -> processors.claimJob(first, ">=6.0.0 <7.0.0"), c -> c != null);
        assertThat(claimed.id()).isEqualTo(job.id());
        assertThat(claimed.attempts()).isEqualTo(1);
        assertThat(processors.claimJob(second, ">=6.0.0 <7.0.0")).as("held and renewed: not offered").isNull();

        // The first holder goes silent; once its lease runs out the job is offered again.
        Job takenOver = await().atMost(TIMEOUT).until(() -> processors.claimJob(second, ">=6.0.0 <7.0.0"), c -> c != null);
        assertThat(takenOver.id()).isEqualTo(job.id());
        assertThat(takenOver.processor()).isEqualTo(second);
        assertThat(takenOver.attempts()).isEqualTo(2);

        String late = ResultCipher.encrypt(ResultPlaintext.done(job.id(), JSON.readTree("{\"from\":\"first\"}")).toBytes(),
                device.keys.publicKey());
        assertThatThrownBy(() -> processors.storeResult(job.id(), first, Job.DONE, late, null))
                .as("a late result from the old holder")
                .isInstanceOfSatisfying(ServerCallException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThatThrownBy(() -> processors.renewLease(job.id(), first))
                .isInstanceOfSatisfying(ServerCallException.class, e -> assertThat(e.status()).isEqualTo(409));

        String current = ResultCipher.encrypt(ResultPlaintext.done(job.id(), JSON.readTree("{\"from\":\"second\"}")).toBytes(),
                device.keys.publicKey());
        processors.storeResult(job.id(), second, Job.DONE, current, null);
        List<Result> results = device.server.results(device.keys.publicKey().clientId());
        assertThat(results).filteredOn(r -> r.job().equals(job.id())).singleElement()
                .satisfies(r -> assertThat(answer(device, r).result().path("from").asText()).isEqualTo("second"));
    }

    @Test
    void jobsOfKilledProcessorsAreFinishedByTheProcessorsThatReplaceThem() throws Exception {
        TestClient device = new TestClient(serverUrl, "crash-user");
        Job job = device.register("1.0.0");
        List<byte[]> chunks = List.of(EmbeddedPipelineIT.randomBytes(300_000, 21), EmbeddedPipelineIT.randomBytes(200_000, 22));
        device.uploadChunk(job, 0, chunks.get(0));
        device.server.reportUploadProgress(job.id(), 1);
        device.awaitAnalysisStarted(job, TIMEOUT);
        String holder = device.server.job(job.id()).processor();

        // kill -9 every processor in the middle of the job; `pipeline up` restarts them.
        List<ProcessHandle> processors = pipeline.roleProcesses("processor");
        assertThat(processors).hasSize(2);
        processors.forEach(ProcessHandle::destroyForcibly);

        device.uploadChunk(job, 1, chunks.get(1));
        device.server.reportUploadProgress(job.id(), 2);
        device.server.completeUpload(job.id(), 2);

        Result result = await("the job is finished by a new processor").atMost(TIMEOUT)
                .until(() -> device.result(job.id()).orElse(null), r -> r != null);
        assertThat(result.status()).isEqualTo(Job.DONE);
        JsonNode answer = answer(device, result).result();
        byte[] whole = EmbeddedPipelineIT.concat(chunks);
        assertThat(answer.path("size").asLong()).isEqualTo(whole.length);
        assertThat(answer.path("sha256").asText()).isEqualTo(EmbeddedPipelineIT.sha256(whole));
        Job finished = device.server.job(job.id());
        assertThat(finished.processor()).as("finished by a successor").isNotEqualTo(holder);
        assertThat(finished.attempts()).isGreaterThanOrEqualTo(2);
        assertThat(device.server.results(device.keys.publicKey().clientId()))
                .filteredOn(r -> r.job().equals(job.id())).hasSize(1);
    }

    @Test
    void aKilledServerIsRestartedAndClientsAndProcessorsCarryOn() throws Exception {
        TestClient device = new TestClient(serverUrl, "server-crash-user");
        Job job = device.register("1.0.0");
        List<byte[]> chunks = List.of(EmbeddedPipelineIT.randomBytes(100_000, 41), EmbeddedPipelineIT.randomBytes(70_000, 42));
        device.uploadChunk(job, 0, chunks.get(0));

        ProcessHandle server = pipeline.roleProcesses("server").get(0);
        server.destroyForcibly();
        await("the server is gone").atMost(TIMEOUT).until(() -> !server.isAlive());

        // These calls meet a dead server first; they retry until `pipeline up` has restarted it.
        device.server.reportUploadProgress(job.id(), 1);
        device.uploadChunk(job, 1, chunks.get(1));
        device.server.reportUploadProgress(job.id(), 2);
        device.server.completeUpload(job.id(), 2);

        Result result = await().atMost(TIMEOUT).until(() -> device.result(job.id()).orElse(null), r -> r != null);
        assertThat(result.status()).isEqualTo(Job.DONE);
        byte[] whole = EmbeddedPipelineIT.concat(chunks);
        assertThat(answer(device, result).result().path("sha256").asText()).isEqualTo(EmbeddedPipelineIT.sha256(whole));
        assertThat(pipeline.roleProcesses("server")).singleElement()
                .satisfies(restarted -> assertThat(restarted.pid()).isNotEqualTo(server.pid()));
    }

    @Test
    void aHangingEngineTimesOutAndTheJobFailsAfterItsAttemptsWithTheReason() throws Exception {
        // An engine that accepts the request and never answers: something the example engine
        // cannot be made to do, so a bare socket stands in for it.
        try (java.net.ServerSocket hangingEngine = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (!hangingEngine.isClosed()) {
                        held.add(hangingEngine.accept());
                    }
                } catch (java.io.IOException closed) {
                    // test over
                }
            }, "hanging-engine");
            acceptor.setDaemon(true);
            acceptor.start();
            pipeline.startRole("processor-hanging-engine", "processor", "--data", data.toString(),
                    "--property", "processor.server-url=" + serverUrl,
                    "--property", "processor.supported-versions=>=4.0.0 <5.0.0",
                    "--property", "processor.engine-url=http://127.0.0.1:" + hangingEngine.getLocalPort() + "/analyze",
                    "--property", "camel.component.http.response-timeout=1500",
                    "--property", "camel.component.http.so-timeout=1500",
                    "--property", "processor.engine-attempts=2",
                    "--property", "processor.claim-interval-ms=100",
                    // This processor is not started by `pipeline up` and gets none of its settings:
                    // without this it would renew every 15 s against the 4-second lease.
                    "--property", "processor.lease-renew-ms=1000");

            TestClient device = new TestClient(serverUrl, "hang-user");
            Job job = device.register("4.0.0");
            device.uploadChunk(job, 0, "never answered".getBytes(StandardCharsets.UTF_8));
            device.server.reportUploadProgress(job.id(), 1);
            device.server.completeUpload(job.id(), 1);

            Result result = await().atMost(TIMEOUT).until(() -> device.result(job.id()).orElse(null), r -> r != null);
            assertThat(result.status()).isEqualTo(Job.FAILED);
            assertThat(answer(device, result).error()).contains("did not answer in time");
            assertThat(device.server.job(job.id()).attempts()).isEqualTo(2);
            for (java.net.Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void aClientThatGivesUpOnItsJobEndsItAtOnceAndFreesItsProcessor() throws Exception {
        TestClient device = new TestClient(serverUrl, "give-up-user");
        Job job = device.register("1.0.0");
        device.uploadChunk(job, 0, EmbeddedPipelineIT.randomBytes(40_000, 51));
        device.server.reportUploadProgress(job.id(), 1);
        device.awaitAnalysisStarted(job, TIMEOUT);

        Job abandoned = device.server.abandonJob(job.id(), "the file changed while it was sent");
        assertThat(abandoned.status()).isEqualTo(Job.FAILED);
        assertThat(abandoned.error()).contains("abandoned by its client").contains("the file changed");
        assertThat(device.server.abandonJob(job.id(), "again").status()).as("abandoning twice is harmless").isEqualTo(Job.FAILED);

        await("the streaming processor lets go").atMost(TIMEOUT).until(() ->
                (pipeline.log("processor-1") + pipeline.log("processor-2")).contains("stopped work on job " + job.id()));
        Properties devstack = pipeline.devstack();
        try (S3Client s3 = EmbeddedPipelineIT.s3(devstack)) {
            assertThat(s3.listObjectsV2(list -> list.bucket(devstack.getProperty("s3.bucket"))
                    .prefix("chunks/" + job.file() + "/")).contents()).isEmpty();
        }
        assertThat(device.result(job.id())).hasValueSatisfying(result -> assertThat(result.status()).isEqualTo(Job.FAILED));
    }

    @Test
    void anAcknowledgedResultIsNoLongerOfferedAndIsDeletedAfterItsRetention() throws Exception {
        TestClient device = new TestClient(serverUrl, "retention-user");
        Job job = device.register("1.0.0");
        device.uploadChunk(job, 0, "kept for a while".getBytes(StandardCharsets.UTF_8));
        device.server.reportUploadProgress(job.id(), 1);
        device.server.completeUpload(job.id(), 1);
        Result result = await().atMost(TIMEOUT).until(() -> device.result(job.id()).orElse(null), r -> r != null);

        device.server.acknowledgeResult(result.id());
        assertThat(device.result(job.id())).as("not offered once acknowledged").isEmpty();
        try (var dynamo = EmbeddedPipelineIT.dynamo(pipeline.devstack())) {
            java.util.function.Supplier<Boolean> stored = () -> !dynamo.getItem(get -> get.tableName("pipeline-results")
                    .key(java.util.Map.of("id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.builder()
                            .s(result.id()).build()))).item().isEmpty();
            assertThat(stored.get()).as("kept during the retention").isTrue();
            await("the sweep deletes it after the retention").atMost(TIMEOUT).until(() -> !stored.get());
        }
    }

    @Test
    void anAbandonedUploadEndsFailedFreesItsProcessorAndLeavesNoChunks() throws Exception {
        TestClient device = new TestClient(serverUrl, "abandon-user");
        Job job = device.register("1.0.0");
        device.uploadChunk(job, 0, EmbeddedPipelineIT.randomBytes(50_000, 31));
        device.server.reportUploadProgress(job.id(), 1);
        device.awaitAnalysisStarted(job, TIMEOUT);
        // ... and the client never sends another chunk.

        Result result = await("the sweep gives up on the upload").atMost(TIMEOUT)
                .until(() -> device.result(job.id()).orElse(null), r -> r != null);
        assertThat(result.status()).isEqualTo(Job.FAILED);
        assertThat(result.error()).contains("Upload abandoned").contains(job.id());
        assertThat(device.server.job(job.id()).status()).isEqualTo(Job.FAILED);

        // The processor that was waiting for chunk 1 let go of the job.
        await("the streaming processor is freed").atMost(TIMEOUT).until(() ->
                (pipeline.log("processor-1") + pipeline.log("processor-2")).contains("stopped work on job " + job.id()));
        Properties devstack = pipeline.devstack();
        try (S3Client s3 = EmbeddedPipelineIT.s3(devstack)) {
            assertThat(s3.listObjectsV2(list -> list.bucket(devstack.getProperty("s3.bucket"))
                    .prefix("chunks/" + job.file() + "/")).contents()).isEmpty();
        }
        assertThatThrownBy(() -> device.uploadChunk(job, 1, new byte[10]))
                .as("no more chunks for an ended job")
                .isInstanceOfSatisfying(ServerCallException.class, e -> assertThat(e.status()).isEqualTo(409));
    }
}
