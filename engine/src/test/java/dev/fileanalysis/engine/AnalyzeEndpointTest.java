package dev.fileanalysis.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class AnalyzeEndpointTest {
    private static final Pattern ANALYSED =
            Pattern.compile("analysed job=(\\S+) bytes=(\\d+) sha256=([0-9a-f]{64}) ms=(\\d+)");
    private static final Pattern RESULT =
            Pattern.compile("\\{\"size\":(\\d+),\"sha256\":\"([0-9a-f]{64})\"}");

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final RecordingLog log = new RecordingLog();
    private RunningEngine engine;

    private RunningEngine start(EngineConfig config) throws IOException {
        engine = Engine.start(config, log);
        return engine;
    }

    private RunningEngine start() throws IOException {
        return start(EngineConfig.defaults());
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private HttpRequest.Builder analyze() {
        return HttpRequest.newBuilder(URI.create(engine.url() + "/analyze")).timeout(Duration.ofSeconds(60));
    }

    private static void assertResult(HttpResponse<String> response, long size, String sha256) {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        Matcher result = RESULT.matcher(response.body());
        assertThat(result.matches()).as("body %s", response.body()).isTrue();
        assertThat(Long.parseLong(result.group(1))).isEqualTo(size);
        assertThat(result.group(2)).isEqualTo(sha256);
    }

    @Test
    void emptyBodyHasSizeZeroAndTheHashOfNothing() throws Exception {
        start();
        HttpResponse<String> response = http.send(analyze().POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertResult(response, 0, Bodies.sha256Hex(new byte[0]));
        assertThat(Bodies.sha256Hex(new byte[0])).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void smallBodyWithContentLengthIsCountedAndHashed() throws Exception {
        start();
        byte[] body = "hello world".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(analyze().POST(BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofString());
        assertResult(response, 11, "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
    }

    @Test
    void multiMebibyteChunkedBodyIsStreamedAndHashedExactly() throws Exception {
        start();
        long size = 9L * 1024 * 1024 + 4321;
        // ofInputStream has no known length, so the client sends Transfer-Encoding: chunked.
        HttpRequest request = analyze().POST(BodyPublishers.ofInputStream(() -> Bodies.generated(size, 42))).build();
        HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
        assertResult(response, size, Bodies.sha256Hex(Bodies.generated(size, 42)));
    }

    @Test
    void handWrittenChunkedRequestIsDecoded() throws Exception {
        start();
        String request = "POST /analyze HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nJob-Id: job-raw\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\n1\r\n \r\nA;ext=1\r\n0123456789\r\n0\r\n\r\n";
        String reply = RawHttp.exchange(engine.port(), request.getBytes(StandardCharsets.US_ASCII));
        assertThat(reply).startsWith("HTTP/1.1 200");
        String expected = Bodies.sha256Hex("hello 0123456789".getBytes(StandardCharsets.US_ASCII));
        assertThat(reply).endsWith("{\"size\":16,\"sha256\":\"" + expected + "\"}");
    }

    @Test
    void eachFinishedAnalysisLogsOneParseableLineWithTheJobId() throws Exception {
        start();
        byte[] body = "hello world".getBytes(StandardCharsets.UTF_8);
        http.send(analyze().header("Job-Id", "job-0f9e").POST(BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofString());
        http.send(analyze().POST(BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofString());

        Matcher withJob = ANALYSED.matcher(log.awaitContaining("analysed job=job-0f9e"));
        assertThat(withJob.find()).isTrue();
        assertThat(withJob.group(2)).isEqualTo("11");
        assertThat(withJob.group(3)).isEqualTo(Bodies.sha256Hex(body));
        assertThat(log.awaitContaining("analysed job=- ")).matches("INFO analysed job=- bytes=11 sha256=[0-9a-f]{64} ms=\\d+");
        assertThat(log.lines()).filteredOn(line -> line.contains("analysed")).hasSize(2);
    }

    @Test
    void jobIdIsKeptToOneTokenInTheLog() {
        assertThat(AnalyzeHandler.jobLabel(" job-1 2\t")).isEqualTo("job-1_2");
        assertThat(AnalyzeHandler.jobLabel("")).isEqualTo("-");
        assertThat(AnalyzeHandler.jobLabel(null)).isEqualTo("-");
        assertThat(AnalyzeHandler.jobLabel("x".repeat(1000))).hasSize(200);
    }

    @Test
    void concurrentRequestsBeyondThePoolSizeAllGetTheirOwnAnswer() throws Exception {
        start(EngineConfig.defaults().withThreads(2));
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            long size = 300_000L + i;
            int seed = i;
            responses.add(http.sendAsync(analyze().header("Job-Id", "job-" + i)
                    .POST(BodyPublishers.ofInputStream(() -> Bodies.generated(size, seed))).build(), BodyHandlers.ofString()));
        }
        for (int i = 0; i < 8; i++) {
            assertResult(responses.get(i).get(), 300_000L + i, Bodies.sha256Hex(Bodies.generated(300_000L + i, i)));
        }
    }

    @Test
    void wrongMethodIs405WithJsonErrorAndAllowHeader() throws Exception {
        start();
        HttpResponse<String> get = http.send(analyze().GET().build(), BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(get.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(get.body()).isEqualTo("{\"error\":\"method GET not allowed on /analyze; use POST\"}");

        HttpResponse<String> postHealth = http.send(HttpRequest.newBuilder(URI.create(engine.url() + "/health"))
                .POST(BodyPublishers.ofString("x")).build(), BodyHandlers.ofString());
        assertThat(postHealth.statusCode()).isEqualTo(405);
        assertThat(postHealth.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void unknownPathsAre404EvenWhenTheyStartLikeAnEndpoint() throws Exception {
        start();
        for (String path : List.of("/", "/nope", "/analyzer", "/analyze/x", "/healthz")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(engine.url() + path))
                    .POST(BodyPublishers.ofString("x")).build(), BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).startsWith("{\"error\":\"no such endpoint: " + path);
        }
    }

    @Test
    void healthIsUp() throws Exception {
        start();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(engine.url() + "/health")).build(), BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void declaredBodyOverTheLimitIsRefusedWith413BeforeReading() throws Exception {
        start(EngineConfig.defaults().withMaxBodyBytes(10));
        HttpResponse<String> response = http.send(analyze().header("Job-Id", "job-big")
                .POST(BodyPublishers.ofByteArray(new byte[100])).build(), BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("body too large", "at most 10 bytes");
        assertThat(log.awaitContaining("refused job=job-big status=413")).startsWith("WARN");

        HttpResponse<String> atLimit = http.send(analyze().POST(BodyPublishers.ofByteArray(new byte[10])).build(), BodyHandlers.ofString());
        assertResult(atLimit, 10, Bodies.sha256Hex(new byte[10]));
    }

    @Test
    void chunkedBodyOverTheLimitIsRefusedWith413OnceItCrossesIt() throws Exception {
        start(EngineConfig.defaults().withMaxBodyBytes(1000));
        HttpResponse<String> response = http.send(analyze().header("Job-Id", "job-big")
                .POST(BodyPublishers.ofInputStream(() -> Bodies.generated(5000, 1))).build(), BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(log.awaitContaining("refused job=job-big status=413")).contains("more than 1000 bytes sent");
        assertThat(log.lines()).noneMatch(line -> line.contains("analysed"));
    }

    @Test
    void clientThatDisconnectsMidBodyIsLoggedAndItsThreadFreed() throws Exception {
        start(EngineConfig.defaults().withThreads(1));
        try (Socket socket = new Socket(engine.host(), engine.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /analyze HTTP/1.1\r\nHost: x\r\nJob-Id: job-cut\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1234]);
            out.flush();
        }
        assertThat(log.awaitContaining("aborted job=job-cut")).contains("client disconnected");
        assertTheOnlyThreadIsFree();
        assertThat(log.lines()).noneMatch(line -> line.contains("analysed job=job-cut"));
    }

    @Test
    void chunkedClientThatDisconnectsMidBodyIsLoggedAndItsThreadFreed() throws Exception {
        start(EngineConfig.defaults().withThreads(1));
        try (Socket socket = new Socket(engine.host(), engine.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /analyze HTTP/1.1\r\nHost: x\r\nJob-Id: job-cut\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "400\r\n" + "x".repeat(100)).getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        assertThat(log.awaitContaining("aborted job=job-cut")).contains("client disconnected");
        assertTheOnlyThreadIsFree();
        assertThat(log.lines()).noneMatch(line -> line.contains("analysed job=job-cut"));
    }

    @Test
    void bodyThatStallsLongerThanTheReadTimeoutIsDroppedAndItsThreadFreed() throws Exception {
        start(EngineConfig.defaults().withThreads(1).withReadTimeout(Duration.ofMillis(200)));
        try (Socket socket = new Socket(engine.host(), engine.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /analyze HTTP/1.1\r\nHost: x\r\nJob-Id: job-stalled\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[10]);
            out.flush();
            // The socket stays open and silent: only the engine's read timeout can end this.
            assertThat(log.awaitContaining("aborted job=job-stalled")).contains("bytes=10", "no data for 200 ms");
            assertThat(socket.getInputStream().read()).as("engine closed the connection").isEqualTo(-1);
            assertTheOnlyThreadIsFree();
        }
    }

    /** With a one-thread pool, an answer proves the earlier request let go of the thread. */
    private void assertTheOnlyThreadIsFree() throws Exception {
        HttpResponse<String> response = http.send(analyze().POST(BodyPublishers.ofString("after")).build(), BodyHandlers.ofString());
        assertResult(response, 5, Bodies.sha256Hex("after".getBytes(StandardCharsets.US_ASCII)));
    }

    /** Requests the JDK client will not make (hand-written chunks, truncated bodies). */
    static final class RawHttp {
        static String exchange(int port, byte[] request) throws IOException {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream reply = new ByteArrayOutputStream();
                in.transferTo(reply);
                return reply.toString(StandardCharsets.ISO_8859_1);
            }
        }
    }
}
