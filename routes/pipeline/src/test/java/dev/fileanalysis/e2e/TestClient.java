package dev.fileanalysis.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.chunk.ChunkCodec;
import dev.fileanalysis.client.chunk.ChunkPipeline;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.crypto.JobSignature;
import dev.fileanalysis.crypto.ResultCipher;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.Result;
import dev.fileanalysis.client.signin.DevProviderBrowser;
import dev.fileanalysis.client.signin.ServerSession;
import dev.fileanalysis.client.signin.SessionFile;
import dev.fileanalysis.client.signin.SignIn;

/**
 * A device of its own, driven step by step by a test: it signs in, reserves and signs jobs and
 * uploads chunk by chunk through presigned URLs exactly like the client role, but lets the test
 * decide when each chunk goes, and reads its results back.
 */
final class TestClient {

    static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    final ClientKeyPair keys = ClientKeyPair.generate();
    final HttpClient http = HttpClient.newHttpClient();
    final ServerApiClient server;

    final ServerSession session;

    /**
     * Signs in as {@code user} at the dev provider, the way {@code ./pipeline login --user} does
     * (authorization code flow with PKCE through a loopback redirect), registering this device's key.
     */
    TestClient(URI serverUrl, String user) {
        try {
            Path sessionFolder = Files.createTempDirectory("test-client-session");
            this.session = new SignIn(http, new SessionFile(sessionFolder.resolve("session.json")))
                    .signIn(serverUrl, "dev", new DevProviderBrowser(user), keys);
        } catch (IOException e) {
            throw new UncheckedIOException("sign-in of " + user + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        this.server = new ServerApiClient(http, serverUrl, session);
    }

    /** The signed-in user's id, as the server stores it as a job's owner. */
    String userId() {
        return session.stored().user().id();
    }

    /** The organisation the session is bound to, where this device's jobs go. */
    String organisation() {
        return session.stored().organisation().id();
    }

    /** The current session access token, for tests that send raw requests. */
    String accessToken() throws IOException, InterruptedException {
        return session.token();
    }

    /** Reserves, signs and registers a job with the given client version. */
    Job register(String version) throws Exception {
        ServerApiClient.Reservation reservation = server.reserveJob();
        Job job = JobSignature.sign(Job.unsigned(reservation.id(), version, CREATED.format(Instant.now()),
                reservation.bucket(), reservation.region(), reservation.file(), keys.publicKey().clientId()), keys);
        return server.registerJob(job);
    }

    /** Compresses and uploads one chunk of the file through a presigned PUT covering its Content-MD5. */
    void uploadChunk(Job job, int index, byte[] original) throws Exception {
        byte[] frame = ChunkCodec.compress(original, original.length, 3);
        String md5 = ChunkPipeline.md5(frame);
        String url = server.presignUpload(job.id(), index, md5, frame.length);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-MD5", md5)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(frame)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("chunk " + index + " refused: HTTP " + response.statusCode() + " " + response.body());
        }
    }

    /**
     * Waits until a processor has fed at least chunk 0 of the job to the engine (the job's
     * {@code analysed} count, as the server records it).
     */
    void awaitAnalysisStarted(Job job, java.time.Duration timeout) {
        org.awaitility.Awaitility.await("a processor is streaming " + job.id()).atMost(timeout).until(() -> {
            Job now = server.job(job.id());
            return now.analysed() != null && now.analysed() >= 1;
        });
    }

    /** The result of a job, once the server has it. */
    Optional<Result> result(String jobId) throws Exception {
        return server.results(keys.publicKey().clientId()).stream().filter(r -> r.job().equals(jobId)).findFirst();
    }

    /**
     * What the result says, checked to answer its own job as the client checks it: the engine's
     * answer of a job that is DONE, or {@code {"error": ...}} for one that FAILED.
     */
    JsonNode decrypt(Result result) throws Exception {
        dev.fileanalysis.model.ResultPlaintext plaintext = dev.fileanalysis.model.ResultPlaintext.readFor(result.job(),
                ResultCipher.decrypt(result.payload(), keys));
        return plaintext.isDone() ? plaintext.result() : JSON.createObjectNode().put("error", plaintext.error());
    }
}
