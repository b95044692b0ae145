package dev.fileanalysis.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.apiclient.ServerApiClient.ChunkUpload;
import dev.fileanalysis.apiclient.ServerApiClient.Reservation;
import dev.fileanalysis.apiclient.ServerCallException;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.Result;
import dev.fileanalysis.client.transfer.BandwidthLimit;
import dev.fileanalysis.client.transfer.RateLimiter;

/** The server's HTTP API, and storage through presigned URLs. */
public final class HttpPipelineServer implements PipelineServer {

    private final ServerApiClient server;
    private final HttpClient http;

    private final RateLimiter uploads;

    public HttpPipelineServer(ServerApiClient server, HttpClient http) {
        this(server, http, RateLimiter.of(BandwidthLimit.UNLIMITED));
    }

    /** {@code uploads} paces every chunk sent to storage, across all uploads of this client (client.bandwidth-limit). */
    public HttpPipelineServer(ServerApiClient server, HttpClient http, RateLimiter uploads) {
        this.server = server;
        this.http = http;
        this.uploads = uploads;
    }

    @Override
    public Reservation reserveJob(String request) throws IOException, InterruptedException {
        return server.reserveJob(request);
    }

    @Override
    public Job registerJob(Job signed) throws IOException, InterruptedException {
        return server.registerJob(signed);
    }

    @Override
    public Optional<Job> job(String jobId) throws IOException, InterruptedException {
        try {
            return Optional.of(server.job(jobId));
        } catch (ServerCallException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Map<Integer, String> presignUploads(String jobId, List<ChunkUpload> chunks) throws IOException, InterruptedException {
        return server.presignUploads(jobId, chunks);
    }

    @Override
    public void putChunk(String url, String md5, byte[] frame) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMinutes(5))
                .header("Content-MD5", md5)
                .PUT(body(frame))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new ServerCallException(response.statusCode(), "Storage refused the chunk with HTTP "
                    + response.statusCode() + ": " + abbreviate(response.body()));
        }
    }

    @Override
    public void abandonJob(String jobId, String reason) throws IOException, InterruptedException {
        server.abandonJob(jobId, reason);
    }

    /** The chunk as a fixed-length body (presigned PUTs need Content-Length), paced by the bandwidth limit. */
    private HttpRequest.BodyPublisher body(byte[] frame) {
        if (uploads.limit().isUnlimited()) {
            return HttpRequest.BodyPublishers.ofByteArray(frame);
        }
        return HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> uploads.limit(new java.io.ByteArrayInputStream(frame))),
                frame.length);
    }

    @Override
    public void reportUploadProgress(String jobId, int chunks) throws IOException, InterruptedException {
        server.reportUploadProgress(jobId, chunks);
    }

    @Override
    public void completeUpload(String jobId, int chunks) throws IOException, InterruptedException {
        server.completeUpload(jobId, chunks);
    }

    @Override
    public List<Result> results(String clientId) throws IOException, InterruptedException {
        return server.results(clientId);
    }

    @Override
    public void acknowledgeResults(List<String> resultIds) throws IOException, InterruptedException {
        server.acknowledgeResults(resultIds);
    }

    private static String abbreviate(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }
}
