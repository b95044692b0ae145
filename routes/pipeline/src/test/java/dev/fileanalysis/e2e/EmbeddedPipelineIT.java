package dev.fileanalysis.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.apiclient.ServerCallException;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.crypto.JobSignature;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The whole pipeline on the embedded default, as real processes talking real HTTP: files dropped
 * in the folder come back as decrypted results, processors stream while the upload runs, each job
 * is analysed exactly once, and forged jobs and tokens get nowhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedPipelineIT {

    private static final Duration RESULT_TIMEOUT = Duration.ofMinutes(3);
    private static final int MAX_FILE_BYTES = 40 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ANALYSED = Pattern.compile("analysed job=(job-[0-9a-f-]{36}) ");
    private static final Pattern CLAIMED = Pattern.compile("claimed job (job-[0-9a-f-]{36})");

    @TempDir
    static Path data;

    private RunningPipeline pipeline;
    private URI serverUrl;
    private URI tokenUrl;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startPipeline() throws Exception {
        pipeline = RunningPipeline.start(data,
                "client.stable-ms=300", "client.poll-ms=100", "client.result-poll-ms=250",
                "client.chunk-bytes=1048576", "client.max-file-bytes=" + MAX_FILE_BYTES,
                "processor.claim-interval-ms=100");
        serverUrl = pipeline.address("server");
        tokenUrl = URI.create(pipeline.devstack().getProperty("oidc.token-url"));
    }

    @AfterAll
    void stopPipeline() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void startupPrintsEveryServiceAndCreatesTheDeviceKeyOnce() throws Exception {
        List<String> services = List.of("s3", "dynamodb", "oidc", "engine", "server", "processor-1", "processor-2", "client");
        for (String service : services) {
            assertThat(pipeline.output()).anySatisfy(line -> assertThat(line).startsWith(service + " "));
        }
        assertThat(pipeline.output()).anySatisfy(line -> assertThat(line).contains("ready"));
        Path key = data.resolve("client-key.json");
        assertThat(Files.getPosixFilePermissions(key))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        JsonNode keyFile = JSON.readTree(key.toFile());
        assertThat(keyFile.path("publicKey").asText()).matches("04[0-9a-f]{128}");
        assertThat(keyFile.path("privateKey").asText()).matches("[0-9a-f]{64}");
        for (String role : List.of("devstack", "engine", "server", "processor-1", "processor-2", "client")) {
            assertThat(data.resolve("logs").resolve(role + ".log")).exists();
        }
    }

    @Test
    void filesDroppedTogetherAllComeBackWithTheirSizeAndHash() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("empty.txt", new byte[0]);
        files.put("one byte.txt", new byte[] {42});
        files.put("Résumé 2026 – ünïcode ✓.txt", "non-ASCII names work\n".getBytes(StandardCharsets.UTF_8));
        files.put("tens-of-mib.bin", randomBytes(24 << 20, 1));
        files.put("compressible.log", logLines(12 << 20));

        drop(files);

        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            JsonNode result = awaitResult(file.getKey() + ".json");
            assertThat(result.path("status").asText()).as(file.getKey()).isEqualTo("DONE");
            assertThat(result.path("name").asText()).isEqualTo(file.getKey());
            assertThat(result.path("size").asLong()).isEqualTo(file.getValue().length);
            assertThat(result.path("job").asText()).startsWith("job-");
            assertThat(result.path("result").path("size").asLong()).as(file.getKey()).isEqualTo(file.getValue().length);
            assertThat(result.path("result").path("sha256").asText()).as(file.getKey()).isEqualTo(sha256(file.getValue()));
        }
    }

    @Test
    void aFileLargerThanTheClientAllowsGetsAFailedResultThatSaysWhy() throws Exception {
        drop(Map.of("too-big.bin", new byte[MAX_FILE_BYTES + 1]));
        JsonNode result = awaitResult("too-big.bin.json");
        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("name").asText()).isEqualTo("too-big.bin");
        assertThat(result.path("error").asText()).contains("too-big.bin").contains("client.max-file-bytes");
    }

    @Test
    void aFileDroppedAgainUnderTheSameNameGetsASecondResultBesideTheFirst() throws Exception {
        byte[] first = "first version".getBytes(StandardCharsets.UTF_8);
        byte[] second = "the second, longer version".getBytes(StandardCharsets.UTF_8);
        drop(Map.of("report.txt", first));
        JsonNode firstResult = awaitResult("report.txt.json");
        drop(Map.of("report.txt", second));
        JsonNode secondResult = awaitResult("report.txt (2).json");

        assertThat(firstResult.path("result").path("sha256").asText()).isEqualTo(sha256(first));
        assertThat(secondResult.path("result").path("sha256").asText()).isEqualTo(sha256(second));
        assertThat(secondResult.path("job").asText()).isNotEqualTo(firstResult.path("job").asText());
    }

    @Test
    void aProcessorReadsChunkZeroWhileTheClientIsStillUploading() throws Exception {
        TestClient device = new TestClient(serverUrl, "streaming-user");
        Job job = device.register("1.0.0");
        List<byte[]> chunks = List.of(randomBytes(1 << 20, 2), randomBytes(1 << 20, 3), randomBytes(12345, 4));

        device.uploadChunk(job, 0, chunks.get(0));
        device.server.reportUploadProgress(job.id(), 1);

        // The upload is held here until a processor has fed chunk 0 to the engine: if processors
        // waited for complete uploads, this would time out.
        device.awaitAnalysisStarted(job, RESULT_TIMEOUT);
        Job midUpload = device.server.job(job.id());
        assertThat(midUpload.uploaded()).as("upload still running when chunk 0 was analysed").isNull();
        assertThat(midUpload.status()).isEqualTo(Job.PROCESSING);
        assertThat(midUpload.processor()).startsWith("processor-");

        device.uploadChunk(job, 1, chunks.get(1));
        device.uploadChunk(job, 2, chunks.get(2));
        device.server.reportUploadProgress(job.id(), 3);
        device.server.completeUpload(job.id(), 3);

        Result result = await().atMost(RESULT_TIMEOUT).until(() -> device.result(job.id()).orElse(null), r -> r != null);
        assertThat(result.status()).isEqualTo(Job.DONE);
        JsonNode answer = device.decrypt(result);
        byte[] whole = concat(chunks);

        // The server keeps the result until its device acknowledges it, then drops it.
        assertThat(device.result(job.id())).as("still there before it is acknowledged").isPresent();
        device.server.acknowledgeResult(result.id());
        assertThat(device.result(job.id())).as("gone once acknowledged").isEmpty();
        assertThat(answer.path("size").asLong()).isEqualTo(whole.length);
        assertThat(answer.path("sha256").asText()).isEqualTo(sha256(whole));

        Properties devstack = pipeline.devstack();
        try (S3Client s3 = s3(devstack)) {
            assertThat(s3.listObjectsV2(list -> list.bucket(devstack.getProperty("s3.bucket"))
                    .prefix("chunks/" + job.file() + "/")).contents())
                    .as("chunks of a job whose result is stored").isEmpty();
        }
    }

    @Test
    void theServerRefusesAJobWhoseSignatureDoesNotMatchWith400() throws Exception {
        TestClient device = new TestClient(serverUrl, "bad-signature-user");
        ServerApiClient.Reservation reservation = device.server.reserveJob();
        Job signed = JobSignature.sign(Job.unsigned(reservation.id(), "1.0.0", TestClient.CREATED.format(Instant.now()),
                reservation.bucket(), reservation.region(), reservation.file(), device.keys.publicKey().clientId()), device.keys);
        Job tampered = new Job(signed.id(), "1.0.1", signed.created(), signed.bucket(), signed.region(), signed.file(),
                signed.client(), signed.signature(), null, null, null, null, null, null, null);

        assertThatThrownBy(() -> device.server.registerJob(tampered))
                .isInstanceOfSatisfying(ServerCallException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("signature");
        assertThat(device.server.job(signed.id()).status()).as("the reservation is untouched").isEqualTo("RESERVED");
    }

    @Test
    void processorsOpenNoListeningSocket() throws Exception {
        List<ProcessHandle> processors = pipeline.roleProcesses("processor");
        assertThat(processors).hasSize(2);
        Set<String> listening = ListeningSockets.inodes();
        for (ProcessHandle processor : processors) {
            assertThat(ListeningSockets.socketInodesOf(processor.pid()))
                    .as("listening sockets of processor pid " + processor.pid())
                    .doesNotContainAnyElementsOf(listening);
        }
        // The check itself can see a listening socket: the server's.
        ProcessHandle server = pipeline.roleProcesses("server").get(0);
        assertThat(ListeningSockets.socketInodesOf(server.pid())).containsAnyElementsOf(listening);
    }

    @Test
    void aKilledClientIsRestartedAndKeepsTheDeviceKey() throws Exception {
        String keyBefore = Files.readString(data.resolve("client-key.json"));
        ProcessHandle client = pipeline.roleProcesses("client").get(0);
        client.destroyForcibly();
        await("the client is gone").atMost(Duration.ofSeconds(30)).until(() -> !client.isAlive());

        byte[] content = "sent after the client came back".getBytes(StandardCharsets.UTF_8);
        drop(Map.of("after-restart.txt", content));
        JsonNode result = awaitResult("after-restart.txt.json");

        assertThat(pipeline.roleProcesses("client")).singleElement()
                .satisfies(restarted -> assertThat(restarted.pid()).isNotEqualTo(client.pid()));
        assertThat(pipeline.output()).anySatisfy(line -> assertThat(line).startsWith("client restarted"));
        assertThat(result.path("result").path("sha256").asText()).isEqualTo(sha256(content));
        assertThat(Files.readString(data.resolve("client-key.json"))).as("the device key survives restarts").isEqualTo(keyBefore);
    }

    @Test
    void withTwoProcessorsEveryJobIsAnalysedExactlyOnce() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            files.put("batch-" + i + ".bin", randomBytes(100_000 + i * 50_000, 100 + i));
        }
        drop(files);
        List<String> jobs = new ArrayList<>();
        for (String name : files.keySet()) {
            JsonNode result = awaitResult(name + ".json");
            assertThat(result.path("status").asText()).isEqualTo("DONE");
            jobs.add(result.path("job").asText());
        }
        List<String> analysed = matches(ANALYSED, pipeline.log("engine"));
        List<String> claimed = new ArrayList<>(matches(CLAIMED, pipeline.log("processor-1")));
        claimed.addAll(matches(CLAIMED, pipeline.log("processor-2")));
        for (String job : jobs) {
            assertThat(analysed).as("engine requests for " + job).containsOnlyOnce(job);
            assertThat(claimed).as("claims of " + job).containsOnlyOnce(job);
        }
    }

    @Test
    void aJobWithATamperedSignatureNeverReachesTheEngineAndEndsFailed() throws Exception {
        // A compromised server (or database) is the threat: the forged job is written straight
        // into DynamoDB and S3, bypassing the server's own signature check.
        Properties devstack = pipeline.devstack();
        ClientKeyPair victim = ClientKeyPair.generate();
        TestClient device = new TestClient(serverUrl, "tamper-user");
        String jobId = "job-" + java.util.UUID.randomUUID();
        String file = "file-" + java.util.UUID.randomUUID();
        Job honest = JobSignature.sign(Job.unsigned(jobId, "1.0.0", TestClient.CREATED.format(Instant.now()),
                devstack.getProperty("s3.bucket"), devstack.getProperty("aws.region"), file,
                victim.publicKey().clientId()), victim);
        // The attacker redirects the job's file while keeping the victim's signature.
        String otherFile = "file-" + java.util.UUID.randomUUID();
        byte[] original = "attacker-chosen bytes".getBytes(StandardCharsets.UTF_8);
        byte[] frame = dev.fileanalysis.chunk.ChunkCodec.compress(original, original.length, 3);
        try (S3Client s3 = s3(devstack); DynamoDbClient dynamo = dynamo(devstack)) {
            s3.putObject(put -> put.bucket(devstack.getProperty("s3.bucket")).key("chunks/" + otherFile + "/0"),
                    RequestBody.fromBytes(frame));
            Map<String, AttributeValue> item = new LinkedHashMap<>();
            item.put("id", s(jobId));
            item.put("status", s(Job.UPLOADED));
            // in the claim queue of its status, as the server writes every job
            item.put("queue", s(dev.fileanalysis.server.JobStore.queue(Job.UPLOADED, jobId)));
            item.put("owner", s(device.userId()));
            item.put("organisation", s(device.organisation()));
            item.put("version", s(honest.version()));
            item.put("created", s(honest.created()));
            item.put("bucket", s(honest.bucket()));
            item.put("region", s(honest.region()));
            item.put("file", s(otherFile));
            item.put("client", s(victim.publicKey().clientId()));
            item.put("signature", s(honest.signature()));
            item.put("chunks", n(1));
            item.put("totalChunks", n(1));
            item.put("uploaded", s(Instant.now().toString()));
            dynamo.putItem(put -> put.tableName("pipeline-jobs").item(item));

            await("the forged job ends FAILED").atMost(RESULT_TIMEOUT).until(() ->
                    Job.FAILED.equals(dynamo.getItem(get -> get.tableName("pipeline-jobs")
                            .key(Map.of("id", s(jobId)))).item().get("status").s()));
            String error = dynamo.getItem(get -> get.tableName("pipeline-jobs").key(Map.of("id", s(jobId)))).item().get("error").s();
            assertThat(error).contains("signature").contains(jobId);
        }
        assertThat(pipeline.log("engine")).doesNotContain(jobId);
        assertThat(device.server.job(jobId).error()).contains("signature");
    }

    @Test
    void aResultIsStoredOnceEvenWhenItsProcessorRetriesAndNoOtherProcessorMayPostOne() throws Exception {
        TestClient device = new TestClient(serverUrl, "retry-user");
        // Version 7 is outside every running processor's range: this test is the only processor for it.
        Job job = submitWhole(device, "7.0.0", "retried result".getBytes(StandardCharsets.UTF_8));
        ServerApiClient processor = new ServerApiClient(http, serverUrl, new dev.fileanalysis.apiclient.TokenSource(http, tokenUrl, "processor", "x"));
        String me = "processor-" + java.util.UUID.randomUUID();
        String intruder = "processor-" + java.util.UUID.randomUUID();
        Job claimed = await().atMost(RESULT_TIMEOUT).until(() -> processor.claimJob(me, ">=7.0.0 <8.0.0"), c -> c != null);
        assertThat(claimed.id()).isEqualTo(job.id());
        assertThat(processor.claimJob(intruder, ">=7.0.0 <8.0.0")).as("a claimed job is not offered twice").isNull();

        assertThatThrownBy(() -> processor.storeResult(job.id(), intruder, Job.DONE, "00:00:00:00", null))
                .isInstanceOfSatisfying(ServerCallException.class, e -> assertThat(e.status()).isEqualTo(409));
        String payload = dev.fileanalysis.crypto.ResultCipher.encrypt(dev.fileanalysis.model.ResultPlaintext.done(job.id(),
                JSON.readTree("{\"size\":14}")).toBytes(), device.keys.publicKey());
        processor.storeResult(job.id(), me, Job.DONE, payload, null);
        processor.storeResult(job.id(), me, Job.DONE, payload, null);

        List<Result> results = device.server.results(device.keys.publicKey().clientId());
        assertThat(results).filteredOn(r -> r.job().equals(job.id())).hasSize(1);
        assertThat(device.decrypt(results.get(0)).path("size").asInt()).isEqualTo(14);
    }

    @Test
    void requestsWithoutATokenOrWithAForgedTokenAreRefusedWith401() throws Exception {
        HttpResponse<String> anonymous = post("/api/jobs", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).contains("bearer token");

        // Right issuer and audience, signed by a key the provider never published.
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("attacker").build(),
                new JWTClaimsSet.Builder().issuer(pipeline.devstack().getProperty("oidc.issuer"))
                        .audience(pipeline.devstack().getProperty("oidc.audience")).subject("dev-user")
                        .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        forged.sign(new RSASSASigner((RSAPrivateKey) generator.generateKeyPair().getPrivate()));
        HttpResponse<String> forgedCall = post("/api/jobs", forged.serialize());
        assertThat(forgedCall.statusCode()).isEqualTo(401);

        HttpResponse<String> health = http.send(HttpRequest.newBuilder(serverUrl.resolve("/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    @Test
    void usersCannotCallProcessorEndpointsNorProcessorsUserEndpoints() throws Exception {
        String userToken = new TestClient(serverUrl, "some-user").accessToken();
        String processorToken = new dev.fileanalysis.apiclient.TokenSource(http, tokenUrl, "processor", "x").token();
        assertThat(post("/api/processor/claims", userToken).statusCode()).isEqualTo(403);
        assertThat(post("/api/jobs", processorToken).statusCode()).isEqualTo(403);
    }

    @Test
    void anEngineThatCannotBeReachedOrRefusesFailsTheJobWithAReasonDeliveredEncrypted() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        // Processors of their own, for client versions the system's processors do not take.
        pipeline.startRole("processor-unreachable-engine", "processor", "--data", data.toString(),
                "--property", "processor.server-url=" + serverUrl,
                "--property", "processor.supported-versions=>=9.0.0 <10.0.0",
                "--property", "processor.engine-url=http://127.0.0.1:" + closedPort + "/analyze",
                "--property", "processor.claim-interval-ms=100");
        int smallEnginePort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            smallEnginePort = socket.getLocalPort();
        }
        pipeline.startRole("engine-tiny-limit", "engine", "--property", "engine.port=" + smallEnginePort,
                "--property", "engine.max-body-bytes=4");
        pipeline.startRole("processor-refusing-engine", "processor", "--data", data.toString(),
                "--property", "processor.server-url=" + serverUrl,
                "--property", "processor.supported-versions=>=8.0.0 <9.0.0",
                "--property", "processor.engine-url=http://127.0.0.1:" + smallEnginePort + "/analyze",
                "--property", "processor.claim-interval-ms=100");

        TestClient device = new TestClient(serverUrl, "engine-failure-user");
        Job unreachable = submitWhole(device, "9.0.0", "unreachable engine".getBytes(StandardCharsets.UTF_8));
        Job refused = submitWhole(device, "8.0.0", "more than four bytes".getBytes(StandardCharsets.UTF_8));

        Result unreachableResult = await().atMost(RESULT_TIMEOUT).until(() -> device.result(unreachable.id()).orElse(null), r -> r != null);
        assertThat(unreachableResult.status()).isEqualTo(Job.FAILED);
        assertThat(device.decrypt(unreachableResult).path("error").asText()).contains("could not be reached");
        assertThat(device.server.job(unreachable.id()).attempts()).as("attempts before giving up").isEqualTo(3);

        Result refusedResult = await().atMost(RESULT_TIMEOUT).until(() -> device.result(refused.id()).orElse(null), r -> r != null);
        assertThat(refusedResult.status()).isEqualTo(Job.FAILED);
        assertThat(device.decrypt(refusedResult).path("error").asText()).contains("HTTP 413");
    }

    @Test
    void aJobIsClaimedOnItsFirstChunkNotBefore() throws Exception {
        TestClient device = new TestClient(serverUrl, "first-chunk-user");
        Job job = device.register("1.0.0");

        // Registered, nothing landed: the processors (polling every 100 ms here) leave it alone.
        await("no claim while no chunk has landed").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> device.server.job(job.id()).processor() == null);

        device.uploadChunk(job, 0, randomBytes(1 << 16, 9));
        device.server.reportUploadProgress(job.id(), 1);
        Job claimed = await("claimed once chunk 0 landed").atMost(RESULT_TIMEOUT)
                .until(() -> device.server.job(job.id()), now -> now.processor() != null);
        assertThat(claimed.status()).isEqualTo(Job.PROCESSING);
        assertThat(claimed.uploaded()).as("the upload is still open").isNull();
        device.server.completeUpload(job.id(), 1);
        assertThat(await().atMost(RESULT_TIMEOUT).until(() -> device.result(job.id()).orElse(null), r -> r != null).status())
                .isEqualTo(Job.DONE);
    }

    @Test
    void resultsAreAcknowledgedInOneRequestAndABatchWithAnotherUsersResultMarksNone() throws Exception {
        TestClient ada = new TestClient(serverUrl, "batch-ack-ada");
        TestClient bob = new TestClient(serverUrl, "batch-ack-bob");
        Job adaFirst = submitWhole(ada, "1.0.0", "ada's first".getBytes(StandardCharsets.UTF_8));
        Job adaSecond = submitWhole(ada, "1.0.0", "ada's second".getBytes(StandardCharsets.UTF_8));
        Job bobs = submitWhole(bob, "1.0.0", "bob's".getBytes(StandardCharsets.UTF_8));
        Result first = await().atMost(RESULT_TIMEOUT).until(() -> ada.result(adaFirst.id()).orElse(null), r -> r != null);
        Result second = await().atMost(RESULT_TIMEOUT).until(() -> ada.result(adaSecond.id()).orElse(null), r -> r != null);
        Result bobsResult = await().atMost(RESULT_TIMEOUT).until(() -> bob.result(bobs.id()).orElse(null), r -> r != null);

        assertThatThrownBy(() -> ada.server.acknowledgeResults(List.of(first.id(), bobsResult.id())))
                .isInstanceOf(ServerCallException.class).hasMessageContaining("403")
                .hasMessageContaining("belongs to another user");
        assertThat(ada.result(adaFirst.id())).as("a refused batch marks none of its results").isPresent();
        assertThat(bob.result(bobs.id())).isPresent();
        assertThatThrownBy(() -> ada.server.acknowledgeResults(List.of(first.id(), "not-a-result")))
                .isInstanceOf(ServerCallException.class).hasMessageContaining("400").hasMessageContaining("not-a-result");

        // Both of ada's in one request; repeating an id (a retry after a lost answer) is harmless.
        ada.server.acknowledgeResults(List.of(first.id(), second.id(), first.id()));

        assertThat(ada.result(adaFirst.id())).isEmpty();
        assertThat(ada.result(adaSecond.id())).isEmpty();
        assertThat(bob.result(bobs.id())).as("another user's result is untouched").isPresent();
    }

    // ---- helpers ----

    private Job submitWhole(TestClient device, String version, byte[] content) throws Exception {
        Job job = device.register(version);
        device.uploadChunk(job, 0, content);
        device.server.reportUploadProgress(job.id(), 1);
        device.server.completeUpload(job.id(), 1);
        return job;
    }

    private void drop(Map<String, byte[]> files) throws Exception {
        pipeline.drop(files);
    }

    private JsonNode awaitResult(String resultFile) throws Exception {
        Path path = pipeline.results().resolve(resultFile);
        await("result file " + resultFile).atMost(RESULT_TIMEOUT).until(() -> Files.exists(path));
        return JSON.readTree(path.toFile());
    }

    private HttpResponse<String> post(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(serverUrl.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> matches(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    static S3Client s3(Properties devstack) {
        return S3Client.builder().region(Region.of(devstack.getProperty("aws.region")))
                .endpointOverride(URI.create(devstack.getProperty("s3.endpoint")))
                .credentialsProvider(credentials(devstack))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    static DynamoDbClient dynamo(Properties devstack) {
        return DynamoDbClient.builder().region(Region.of(devstack.getProperty("aws.region")))
                .endpointOverride(URI.create(devstack.getProperty("dynamodb.endpoint")))
                .credentialsProvider(credentials(devstack)).build();
    }

    private static StaticCredentialsProvider credentials(Properties devstack) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(
                devstack.getProperty("aws.access-key-id"), devstack.getProperty("aws.secret-access-key")));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeValue n(int value) {
        return AttributeValue.builder().n(Integer.toString(value)).build();
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] logLines(int size) {
        StringBuilder text = new StringBuilder(size + 200);
        Random random = new Random(7);
        int line = 0;
        while (text.length() < size) {
            text.append("2026-11-26T04:00:").append(String.format("%02d", line % 60)).append(".000Z INFO request ")
                    .append(line++).append(" served in ").append(random.nextInt(500)).append(" ms\n");
        }
        return text.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(List<byte[]> parts) {
        int total = parts.stream().mapToInt(part -> part.length).sum();
        byte[] whole = new byte[total];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, whole, offset, part.length);
            offset += part.length;
        }
        return whole;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
