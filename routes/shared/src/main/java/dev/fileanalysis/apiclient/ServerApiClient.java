package dev.fileanalysis.apiclient;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.Result;

/**
 * The server's HTTP API as the client and processors call it, with their bearer token. Every
 * call is safe to repeat: the server treats a repeated registration, progress report, completion
 * or result as the same one.
 */
public final class ServerApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI base;
    private final AccessTokens tokens;
    private final RetryPolicy retry;
    private final Duration requestTimeout;

    public ServerApiClient(HttpClient http, URI base, AccessTokens tokens) {
        this(http, base, tokens, RetryPolicy.DEFAULT);
    }

    public ServerApiClient(HttpClient http, URI base, AccessTokens tokens, RetryPolicy retry) {
        this(http, base, tokens, retry, CALL_TIMEOUT);
    }

    private ServerApiClient(HttpClient http, URI base, AccessTokens tokens, RetryPolicy retry, Duration requestTimeout) {
        this.http = http;
        this.base = base;
        this.tokens = tokens;
        this.retry = retry;
        this.requestTimeout = requestTimeout;
    }

    /**
     * The same API (same connection pool, same token) for calls that are repeated on a schedule
     * anyway, such as a lease renewal: no retry, and each request given up after
     * {@code requestTimeout}. Waiting out a slow server there would only delay the next, fresh try.
     */
    public ServerApiClient failingFast(Duration requestTimeout) {
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("A request timeout must be positive, got " + requestTimeout + ".");
        }
        return new ServerApiClient(http, base, tokens, RetryPolicy.NONE, requestTimeout);
    }

    public record Reservation(String id, String bucket, String region, String file) {
    }

    /** Chunks one presign request may ask for (the server's limit). */
    public static final int MAX_PRESIGN_BATCH = 64;

    /** A chunk to presign a PUT for: its index, the base64 MD5 and the length the URL will require. */
    public record ChunkUpload(int index, String md5, int size) {
    }

    public record ChunkUrl(int index, String url) {
    }

    public record ChunkDownloads(Job job, List<ChunkUrl> urls) {
    }

    // ---- client side ----

    /**
     * Reserves a job. {@code request} makes the call idempotent: the server answers a repeated
     * request id with the same reservation, so a retry after a lost answer reserves nothing twice.
     */
    public Reservation reserveJob(String request) throws IOException, InterruptedException {
        return JSON.treeToValue(call("POST", "/api/jobs", JSON.writeValueAsString(Map.of("request", request))), Reservation.class);
    }

    public Reservation reserveJob() throws IOException, InterruptedException {
        return reserveJob(java.util.UUID.randomUUID().toString());
    }

    public Job registerJob(Job signed) throws IOException, InterruptedException {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("id", signed.id());
        body.put("version", signed.version());
        body.put("created", signed.created());
        body.put("bucket", signed.bucket());
        body.put("region", signed.region());
        body.put("file", signed.file());
        body.put("client", signed.client());
        body.put("signature", signed.signature());
        return JSON.treeToValue(call("PUT", "/api/jobs/" + signed.id(), JSON.writeValueAsString(body)), Job.class);
    }

    public Job job(String jobId) throws IOException, InterruptedException {
        return JSON.treeToValue(call("GET", "/api/jobs/" + jobId, null), Job.class);
    }

    public String presignUpload(String jobId, int index, String md5, int size) throws IOException, InterruptedException {
        return presignUploads(jobId, List.of(new ChunkUpload(index, md5, size))).get(index);
    }

    /** Presigned PUTs for several chunks of a job in one request (at most {@link #MAX_PRESIGN_BATCH}), by chunk index. */
    public Map<Integer, String> presignUploads(String jobId, List<ChunkUpload> chunks) throws IOException, InterruptedException {
        List<Map<String, Object>> wanted = new ArrayList<>(chunks.size());
        for (ChunkUpload chunk : chunks) {
            wanted.add(Map.of("index", chunk.index(), "md5", chunk.md5(), "size", chunk.size()));
        }
        JsonNode answer = call("POST", "/api/jobs/" + jobId + "/chunk-uploads", JSON.writeValueAsString(Map.of("chunks", wanted)));
        Map<Integer, String> urls = new HashMap<>();
        for (JsonNode url : answer.path("urls")) {
            urls.put(url.path("index").asInt(), url.path("url").asText());
        }
        for (ChunkUpload chunk : chunks) {
            if (!urls.containsKey(chunk.index())) {
                throw new IOException("The server presigned no URL for chunk " + chunk.index() + " of job " + jobId + ".");
            }
        }
        return urls;
    }

    public Job reportUploadProgress(String jobId, int chunks) throws IOException, InterruptedException {
        return JSON.treeToValue(call("POST", "/api/jobs/" + jobId + "/progress",
                JSON.writeValueAsString(Map.of("chunks", chunks))), Job.class);
    }

    public Job completeUpload(String jobId, int chunks) throws IOException, InterruptedException {
        return JSON.treeToValue(call("POST", "/api/jobs/" + jobId + "/complete",
                JSON.writeValueAsString(Map.of("chunks", chunks))), Job.class);
    }

    /** Gives up on one of this client's own jobs: it ends FAILED at once and its chunks are deleted. */
    public Job abandonJob(String jobId, String reason) throws IOException, InterruptedException {
        return JSON.treeToValue(call("POST", "/api/jobs/" + jobId + "/abandon",
                JSON.writeValueAsString(Map.of("reason", reason))), Job.class);
    }

    public List<Result> results(String clientId) throws IOException, InterruptedException {
        JsonNode answer = call("GET", "/api/results?client=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8), null);
        return JSON.convertValue(answer, new TypeReference<List<Result>>() { });
    }

    public void acknowledgeResult(String resultId) throws IOException, InterruptedException {
        call("DELETE", "/api/results/" + resultId, null);
    }

    /** Results one acknowledgement request may cover (the server's limit). */
    public static final int MAX_ACKNOWLEDGEMENTS = 100;

    /** Acknowledges up to {@link #MAX_ACKNOWLEDGEMENTS} results in one request. */
    public void acknowledgeResults(List<String> resultIds) throws IOException, InterruptedException {
        call("POST", "/api/results/acknowledgements", JSON.writeValueAsString(Map.of("results", resultIds)));
    }

    // ---- processor side ----

    /** The claimed job, or null when no job is waiting. */
    public Job claimJob(String processorId, String versions) throws IOException, InterruptedException {
        JsonNode answer = call("POST", "/api/processor/claims",
                JSON.writeValueAsString(Map.of("processor", processorId, "versions", versions)));
        return answer == null ? null : JSON.treeToValue(answer, Job.class);
    }

    /** Jobs one {@link #claimJobs} request may take (the server's limit). */
    public static final int MAX_CLAIMS = 16;

    private record ClaimBatch(List<ChunkDownloads> claims) {
    }

    /**
     * Claims up to {@code max} waiting jobs at once, each with presigned GETs for the chunks that
     * landed so far; empty when none is waiting.
     */
    public List<ChunkDownloads> claimJobs(String processorId, String versions, int max) throws IOException, InterruptedException {
        JsonNode answer = call("POST", "/api/processor/claims/batch",
                JSON.writeValueAsString(Map.of("processor", processorId, "versions", versions, "max", max)));
        return answer == null ? List.of() : JSON.treeToValue(answer, ClaimBatch.class).claims();
    }

    public ChunkDownloads chunkDownloads(String jobId, String processorId, int from) throws IOException, InterruptedException {
        JsonNode answer = call("GET", "/api/processor/jobs/" + jobId + "/chunk-downloads?processor="
                + URLEncoder.encode(processorId, StandardCharsets.UTF_8) + "&from=" + from, null);
        return JSON.treeToValue(answer, ChunkDownloads.class);
    }

    public void reportAnalysisProgress(String jobId, String processorId, int analysed) throws IOException, InterruptedException {
        call("POST", "/api/processor/jobs/" + jobId + "/progress",
                JSON.writeValueAsString(Map.of("processor", processorId, "analysed", analysed)));
    }

    /**
     * Renews this processor's lease on a job; a {@link ServerCallException} with 409 (or 403, 404)
     * means it lost the job. Renewals repeat on a timer: see {@link #failingFast}.
     */
    public void renewLease(String jobId, String processorId) throws IOException, InterruptedException {
        call("POST", "/api/processor/jobs/" + jobId + "/lease", JSON.writeValueAsString(Map.of("processor", processorId)));
    }

    /** Gives a job back after a failed attempt, so that it is tried again. */
    public void releaseJob(String jobId, String processorId, String reason) throws IOException, InterruptedException {
        call("POST", "/api/processor/jobs/" + jobId + "/release",
                JSON.writeValueAsString(Map.of("processor", processorId, "reason", reason)));
    }

    public void storeResult(String jobId, String processorId, String status, String payload, String error)
            throws IOException, InterruptedException {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("processor", processorId);
        body.put("status", status);
        if (payload != null) {
            body.put("payload", payload);
        }
        if (error != null) {
            body.put("error", error);
        }
        call("POST", "/api/processor/jobs/" + jobId + "/result", JSON.writeValueAsString(body));
    }

    /**
     * One API call, retried while the failure may be passing (the server restarting, a network
     * error, 5xx, 429) with exponential back-off and full jitter, within {@link RetryPolicy}'s
     * budget. Refusals (4xx) are final and reported at once. Every call of this API is idempotent,
     * so a retry after a lost answer does no harm.
     */
    JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        return retry.run(method + " " + path, () -> callOnce(method, path, body));
    }

    private JsonNode callOnce(String method, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = send(method, path, body);
        if (response.statusCode() == 401) {
            // The token may have expired early or the provider rotated keys: one fresh token, once.
            tokens.invalidate();
            response = send(method, path, body);
        }
        int status = response.statusCode();
        if (status == 204) {
            return null;
        }
        if (status < 200 || status > 299) {
            String sentence = ServerCallException.sentenceOf(response.body());
            throw new ServerCallException(status, method + " " + path + " failed with HTTP " + status + ": " + sentence, sentence);
        }
        return response.body().isEmpty() ? null : JSON.readTree(response.body());
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + tokens.token())
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
