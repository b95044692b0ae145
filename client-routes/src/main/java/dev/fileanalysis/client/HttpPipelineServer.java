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
import dev.fileanalysis.client.signin.ServerSession;
import dev.fileanalysis.client.transfer.RateLimiter;

/** The server's HTTP API, and storage through presigned URLs. */
public final class HttpPipelineServer implements PipelineServer {

    private final ServerApiClient server;
    private final ServerSession session;
    private final HttpClient http;

    private final RateLimiter uploads;

    /**
     * {@code session} is the one {@code server} calls with; {@code uploads} paces every chunk sent
     * to storage, across all uploads of this client (client.bandwidth-limit).
     */
    public HttpPipelineServer(ServerApiClient server, ServerSession session, HttpClient http, RateLimiter uploads) {
        this.server = server;
        this.session = session;
        this.http = http;
        this.uploads = uploads;
    }

    /** A call to the server or to storage. */
    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException, InterruptedException;
    }

    /**
     * Runs {@code call}; a failure that waiting may cure (no connection, a timeout, 5xx or 429,
     * each already retried by the API client for a while) comes out as a
     * {@link ServerUnavailableException}, so the upload waits instead of failing the file. A
     * refusal (4xx, signed out included) and an answer that cannot be read come out as they are.
     */
    private static <T> T call(String what, Call<T> call) throws IOException, InterruptedException {
        try {
            return call.run();
        } catch (ServerCallException answered) {
            if (!answered.retryable()) {
                throw answered;
            }
            throw new ServerUnavailableException(what, answered);
        } catch (com.fasterxml.jackson.core.JsonProcessingException unreadable) {
            throw unreadable;
        } catch (IOException unreachable) {
            throw new ServerUnavailableException(what, unreachable);
        }
    }

    @Override
    public void awaitSignIn() throws InterruptedException {
        session.awaitSignIn();
    }

    @Override
    public Reservation reserveJob(String request) throws IOException, InterruptedException {
        return call("reserving a job at the server", () -> server.reserveJob(request));
    }

    @Override
    public Job registerJob(Job signed) throws IOException, InterruptedException {
        return call("registering job " + signed.id() + " at the server", () -> server.registerJob(signed));
    }

    @Override
    public Optional<Job> job(String jobId) throws IOException, InterruptedException {
        try {
            return Optional.of(call("asking the server about job " + jobId, () -> server.job(jobId)));
        } catch (ServerCallException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Map<Integer, String> presignUploads(String jobId, List<ChunkUpload> chunks) throws IOException, InterruptedException {
        return call("asking the server for upload URLs", () -> server.presignUploads(jobId, chunks));
    }

    @Override
    public void putChunk(String url, String md5, byte[] frame) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMinutes(5))
                .header("Content-MD5", md5)
                .PUT(body(frame))
                .build();
        call("sending a chunk to storage", () -> {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new ServerCallException(response.statusCode(), "Storage refused the chunk with HTTP "
                        + response.statusCode() + ": " + abbreviate(response.body()));
            }
            return null;
        });
    }

    @Override
    public void abandonJob(String jobId, String reason) throws IOException, InterruptedException {
        call("telling the server job " + jobId + " is abandoned", () -> {
            server.abandonJob(jobId, reason);
            return null;
        });
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
        call("reporting the upload's progress", () -> {
            server.reportUploadProgress(jobId, chunks);
            return null;
        });
    }

    @Override
    public void completeUpload(String jobId, int chunks) throws IOException, InterruptedException {
        call("completing the upload of job " + jobId, () -> {
            server.completeUpload(jobId, chunks);
            return null;
        });
    }

    @Override
    public List<Result> results(String clientId) throws IOException, InterruptedException {
        return call("fetching results", () -> server.results(clientId));
    }

    @Override
    public void acknowledgeResults(List<String> resultIds) throws IOException, InterruptedException {
        call("acknowledging results", () -> {
            server.acknowledgeResults(resultIds);
            return null;
        });
    }

    private static String abbreviate(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }
}
