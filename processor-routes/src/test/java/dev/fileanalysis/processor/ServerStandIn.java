package dev.fileanalysis.processor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fileanalysis.apiclient.AccessTokens;
import dev.fileanalysis.apiclient.RetryPolicy;
import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.apiclient.ServerApiClient.ChunkDownloads;
import dev.fileanalysis.apiclient.ServerApiClient.ChunkUrl;
import dev.fileanalysis.chunk.ChunkCodec;
import dev.fileanalysis.model.Job;

/**
 * The server's processor API and the chunk storage behind its presigned URLs, as a processor
 * sees them, over real HTTP on a free loopback port: jobs waiting to be claimed, their chunks,
 * and a record of every call in order (claims, leases, releases, results), so a route test can
 * tell what a processor asked and delivered.
 */
final class ServerStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern JOB_CALL = Pattern.compile("/api/processor/jobs/([^/]+)/([a-z-]+)");

    /** One call as the stand-in saw it: {@code claim}, {@code lease job-…}, {@code result job-…}, … */
    record Call(String what, JsonNode body) {
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    /** Jobs whose lease renewal is refused, as when another processor took them over. */
    final Set<String> takenOver = ConcurrentHashMap.newKeySet();
    /** Jobs the server no longer has (404 to a renewal). */
    final Set<String> deleted = ConcurrentHashMap.newKeySet();
    /** Jobs whose lease renewals get no answer until the stand-in closes: a server that hangs. */
    final Set<String> renewalsHang = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closing = new CountDownLatch(1);
    /** Requests for chunk URLs beyond those a claim's answer carried. */
    final java.util.concurrent.atomic.AtomicInteger chunkDownloadRequests = new java.util.concurrent.atomic.AtomicInteger();

    private final Deque<Job> waiting = new ConcurrentLinkedDeque<>();
    private final Map<String, List<byte[]>> frames = new ConcurrentHashMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final HttpServer http;
    /** A thread per call, so that a call left hanging does not hold up the calls after it. */
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final String base;

    ServerStandIn() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.setExecutor(handlers);
        base = "http://127.0.0.1:" + http.getAddress().getPort();
        http.createContext("/api/processor/claims", this::claim);
        http.createContext("/api/processor/jobs/", this::jobCall);
        http.createContext("/chunks/", this::chunk);
        http.start();
    }

    /** Offers {@code job} for claiming; its file is {@code content}, stored as one compressed chunk per 64 KiB. */
    void offer(Job job, byte[] content) {
        List<byte[]> stored = new ArrayList<>();
        int chunk = 64 << 10;
        for (int from = 0; from == 0 || from < content.length; from += chunk) {
            int length = Math.min(chunk, content.length - from);
            byte[] slice = java.util.Arrays.copyOfRange(content, from, from + length);
            stored.add(ChunkCodec.encode(slice, length, 3).frame());
        }
        frames.put(job.id(), stored);
        Job uploaded = new Job(job.id(), job.version(), job.created(), job.bucket(), job.region(), job.file(),
                job.client(), job.signature(), Job.UPLOADED, stored.size(), stored.size(), null, job.created(), 0, null, 1);
        jobs.put(job.id(), uploaded);
        waiting.add(uploaded);
    }

    /**
     * Offers an offered job once more as its attempt number {@code attempts}, as the server does
     * when the lease of its holder ran out: the next claim takes it over.
     */
    void offerAgain(String jobId, int attempts) {
        Job seen = jobs.get(jobId);
        waiting.add(new Job(seen.id(), seen.version(), seen.created(), seen.bucket(), seen.region(), seen.file(),
                seen.client(), seen.signature(), Job.PROCESSING, seen.chunks(), seen.totalChunks(), "processor-test",
                seen.uploaded(), 0, null, attempts));
    }

    /** The server's API as this processor reaches it, with a bearer token that is always good. */
    ServerApiClient client(HttpClient client) {
        AccessTokens token = new AccessTokens() {
            @Override
            public String token() {
                return "service-token";
            }

            @Override
            public void invalidate() {
            }
        };
        return new ServerApiClient(client, URI.create(base), token,
                new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(1)));
    }

    List<String> callNames() {
        return calls.stream().map(Call::what).toList();
    }

    /** What the processor stored as the result of {@code jobId}, or null. */
    JsonNode result(String jobId) {
        return calls.stream().filter(call -> call.what().equals("result " + jobId)).map(Call::body).findFirst().orElse(null);
    }

    /**
     * {@code POST /api/processor/claims} (one job, or 204) and {@code POST /api/processor/claims/batch}
     * (up to {@code max} jobs, each with the URLs of its chunks, as the server answers).
     */
    private void claim(HttpExchange exchange) throws IOException {
        JsonNode body = body(exchange);
        calls.add(new Call("claim", body));
        if (!exchange.getRequestURI().getPath().endsWith("/batch")) {
            Job next = waiting.poll();
            answer(exchange, next == null ? 204 : 200, next == null ? null : JSON.writeValueAsBytes(next));
            return;
        }
        List<ChunkDownloads> claims = new ArrayList<>();
        for (Job next; claims.size() < body.path("max").asInt(1) && (next = waiting.poll()) != null; ) {
            claims.add(new ChunkDownloads(next, urls(next.id(), 0)));
        }
        answer(exchange, 200, JSON.writeValueAsBytes(Map.of("claims", claims)));
    }

    private List<ChunkUrl> urls(String jobId, int from) {
        List<ChunkUrl> urls = new ArrayList<>();
        for (int index = from; index < frames.get(jobId).size(); index++) {
            urls.add(new ChunkUrl(index, base + "/chunks/" + jobId + "/" + index));
        }
        return urls;
    }

    private void jobCall(HttpExchange exchange) throws IOException {
        Matcher call = JOB_CALL.matcher(exchange.getRequestURI().getPath());
        if (!call.matches()) {
            answer(exchange, 404, "{\"error\":\"no such call\"}".getBytes());
            return;
        }
        String jobId = call.group(1);
        String what = call.group(2);
        if (what.equals("chunk-downloads")) {
            chunkDownloadRequests.incrementAndGet();
            int from = Integer.parseInt(exchange.getRequestURI().getQuery().replaceAll(".*from=(\\d+).*", "$1"));
            answer(exchange, 200, JSON.writeValueAsBytes(new ChunkDownloads(jobs.get(jobId), urls(jobId, from))));
            return;
        }
        calls.add(new Call(what + " " + jobId, body(exchange)));
        if (what.equals("lease") && takenOver.contains(jobId)) {
            answer(exchange, 409, ("{\"error\":\"Job " + jobId + " is held by another processor.\"}").getBytes());
            return;
        }
        if (what.equals("lease") && deleted.contains(jobId)) {
            answer(exchange, 404, ("{\"error\":\"Job " + jobId + " not found.\"}").getBytes());
            return;
        }
        if (what.equals("lease") && renewalsHang.contains(jobId)) {
            try {
                closing.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        answer(exchange, 204, null);
    }

    private void chunk(HttpExchange exchange) throws IOException {
        String[] parts = exchange.getRequestURI().getPath().split("/");
        answer(exchange, 200, frames.get(parts[2]).get(Integer.parseInt(parts[3])));
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        return bytes.length == 0 ? null : JSON.readTree(bytes);
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    @Override
    public void close() {
        closing.countDown();
        http.stop(0);
        handlers.shutdownNow();
    }
}
