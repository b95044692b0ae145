package dev.fileanalysis.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.apiclient.ServerCallException;
import dev.fileanalysis.chunk.ChunkCodec;
import dev.fileanalysis.client.chunk.ChunkPipeline;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.crypto.JobSignature;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Broken and malicious input at every door of the server and of storage: each is refused with a
 * status and a sentence that names what was wrong, and changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {

    @TempDir
    static Path data;

    private RunningPipeline pipeline;
    private URI serverUrl;
    private URI tokenUrl;
    private final HttpClient http = HttpClient.newHttpClient();
    private TestClient device;
    private String token;

    @BeforeAll
    void startPipeline() throws Exception {
        pipeline = RunningPipeline.start(data, "processor.claim-interval-ms=100");
        serverUrl = pipeline.address("server");
        tokenUrl = URI.create(pipeline.devstack().getProperty("oidc.token-url"));
        device = new TestClient(serverUrl, "hostile-user");
        token = device.accessToken();
    }

    @AfterAll
    void stopPipeline() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(serverUrl.resolve(path)).header("Authorization", "Bearer " + token);
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void malformedJsonIsRefusedWith400NamingWhatItExpected() throws Exception {
        Job job = device.register("5.0.0");
        HttpResponse<String> response = call("POST", "/api/jobs/" + job.id() + "/progress", "{\"chunks\": ");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("not valid JSON");
    }

    @Test
    void unknownFieldsAreRefusedWith400NamingTheField() throws Exception {
        Job job = device.register("5.0.0");
        HttpResponse<String> response = call("POST", "/api/jobs/" + job.id() + "/progress", "{\"chunks\": 1, \"admin\": true}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("Unknown field 'admin'");
    }

    @Test
    void anOversizedRequestIsRefusedWith413() throws Exception {
        Job job = device.register("5.0.0");
        String huge = "{\"chunks\": 1, \"pad\": \"" + "x".repeat(200_000) + "\"}";
        HttpResponse<String> response = call("POST", "/api/jobs/" + job.id() + "/progress", huge);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(device.server.job(job.id()).chunks()).isZero();
    }

    @Test
    void pathTraversalInAnIdIsRefused() throws Exception {
        for (String path : new String[] {"/api/jobs/..%2F..%2Fetc%2Fpasswd", "/api/jobs/job-..%2Fother",
                "/api/results/result-..%2F..%2Fx"}) {
            HttpResponse<String> response = call(path.startsWith("/api/results") ? "DELETE" : "GET", path, null);
            assertThat(response.statusCode()).as(path).isIn(400, 404);
            assertThat(response.body()).as(path).doesNotContain("Exception");
        }
    }

    @Test
    void aJobNamingAnotherDevicesKeyIsRefused() throws Exception {
        ClientKeyPair victim = ClientKeyPair.generate();
        ServerApiClient.Reservation reservation = device.server.reserveJob();
        // Signed by this device, but naming the victim's key as the one results are encrypted to.
        Job signedByMe = JobSignature.sign(Job.unsigned(reservation.id(), "5.0.0", TestClient.CREATED.format(Instant.now()),
                reservation.bucket(), reservation.region(), reservation.file(), device.keys.publicKey().clientId()), device.keys);
        Job claimingVictim = new Job(signedByMe.id(), signedByMe.version(), signedByMe.created(), signedByMe.bucket(),
                signedByMe.region(), signedByMe.file(), victim.publicKey().clientId(), signedByMe.signature(),
                null, null, null, null, null, null, null);
        // The victim's key is not one of this user's devices: refused before its signature is even read.
        assertThatThrownBy(() -> device.server.registerJob(claimingVictim))
                .isInstanceOfSatisfying(ServerCallException.class, e -> assertThat(e.status()).isEqualTo(403))
                .hasMessageContaining("not one of your registered devices");
    }

    @Test
    void progressOverAMissingChunkIsRefusedAndTheCountNeverGoesBack() throws Exception {
        Job job = device.register("5.0.0");
        byte[] chunk = "chunk".getBytes(StandardCharsets.UTF_8);
        device.uploadChunk(job, 0, chunk);
        device.uploadChunk(job, 2, chunk);
        assertThatThrownBy(() -> device.server.reportUploadProgress(job.id(), 3))
                .as("chunk 1 is missing")
                .isInstanceOfSatisfying(ServerCallException.class, e -> assertThat(e.status()).isEqualTo(409))
                .hasMessageContaining("Chunk 1");
        assertThat(device.server.reportUploadProgress(job.id(), 1).chunks()).isEqualTo(1);
        assertThat(device.server.reportUploadProgress(job.id(), 0 + 1).chunks()).isEqualTo(1);
        HttpResponse<String> backwards = call("POST", "/api/jobs/" + job.id() + "/progress", "{\"chunks\": 1}");
        assertThat(backwards.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> device.server.completeUpload(job.id(), 5))
                .isInstanceOfSatisfying(ServerCallException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThat(device.server.job(job.id()).uploaded()).isNull();
    }

    @Test
    void storageRefusesBytesOtherThanThePresignedOnesAndAnotherKey() throws Exception {
        Job job = device.register("5.0.0");
        byte[] frame = ChunkCodec.compress(new byte[100], 100, 3);
        String md5 = ChunkPipeline.md5(frame);
        String url = device.server.presignUpload(job.id(), 0, md5, frame.length);

        byte[] corrupted = frame.clone();
        corrupted[corrupted.length - 1] ^= 1;
        HttpResponse<String> wrongBytes = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-MD5", md5)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(corrupted)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrongBytes.statusCode()).as("corrupted chunk bytes").isBetween(400, 403);

        String otherKey = url.replace("/chunks/" + job.file() + "/0", "/chunks/" + job.file() + "/1");
        HttpResponse<String> elsewhere = http.send(HttpRequest.newBuilder(URI.create(otherKey)).header("Content-MD5", md5)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(frame)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(elsewhere.statusCode()).as("presigned URL used for another key").isEqualTo(403);

        assertThatThrownBy(() -> device.server.reportUploadProgress(job.id(), 1))
                .as("nothing landed").isInstanceOf(ServerCallException.class);
    }

    @Test
    void aChunkThatIsNotZstdFailsTheJobWithAReasonAndNeverAnswersWithGarbage() throws Exception {
        Job job = device.register("1.0.0");
        byte[] garbage = "this is not a zstd frame at all".getBytes(StandardCharsets.UTF_8);
        String md5 = ChunkPipeline.md5(garbage);
        String url = device.server.presignUpload(job.id(), 0, md5, garbage.length);
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-MD5", md5)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(garbage)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(200);
        device.server.reportUploadProgress(job.id(), 1);
        device.server.completeUpload(job.id(), 1);

        Result result = await().atMost(java.time.Duration.ofMinutes(3)).until(() -> device.result(job.id()).orElse(null), r -> r != null);
        assertThat(result.status()).isEqualTo(Job.FAILED);
        assertThat(device.decrypt(result).path("error").asText()).contains("corrupt").contains(job.id());
    }
}
