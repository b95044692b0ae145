package dev.fileanalysis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.runtime.RoleRunner;
import dev.fileanalysis.runtime.Settings;
import dev.fileanalysis.server.testing.DevStackFixture;
import org.apache.camel.main.Main;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server as {@code pipeline server} runs it (server-routes' routes, application.properties and
 * beans, on the real devstack) refusing what its HTTP layer refuses before any route runs: each
 * answer has its status, a JSON content type and a sentence naming what was wrong, never an empty
 * body. The requests go over a plain socket, as a broken or hostile client would send them (an HTTP
 * client library refuses to send most of them).
 */
class HttpServerRefusalsIT {

    private static final Path SERVER_ROUTES = Path.of(System.getProperty("pipeline.home", "..")).resolve("server-routes");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Smaller than application.properties' 20 MiB, so that a test can send more than it in a moment. */
    private static final int MAX_BODY_BYTES = 1 << 20;

    private static DevStackFixture devstack;
    private static Main server;
    private static Thread serverThread;
    private static int port;

    @BeforeAll
    static void startServer() throws Exception {
        devstack = DevStackFixture.start();
        port = AvailablePortFinder.getNextAvailable();
        Settings settings = Settings.load(SERVER_ROUTES.resolve("application.properties"),
                devstack.data().resolve("devstack.properties"), Map.of(),
                List.of("pipeline.data=" + devstack.data(), "pipeline.routes=" + SERVER_ROUTES.toAbsolutePath(),
                        "camel.server.port=" + port, "camel.server.max-body-size=" + MAX_BODY_BYTES));
        server = RoleRunner.create("server", SERVER_ROUTES, settings);
        serverThread = new Thread(() -> {
            try {
                server.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "server-role");
        serverThread.start();
        await().atMost(Duration.ofSeconds(120))
                .until(() -> !serverThread.isAlive() || server.getCamelContext() != null && server.getCamelContext().isStarted());
        assertThat(serverThread.isAlive()).as("the server started").isTrue();
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (server != null) {
            server.completed();
            serverThread.join(Duration.ofSeconds(30).toMillis());
        }
        if (devstack != null) {
            devstack.close();
        }
    }

    @Test
    void aUrlLongerThanTheServerReadsIsRefused414NamingTheLimit() throws Exception {
        Answer answer = send("GET /api/jobs/" + "a".repeat(5000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        assertRefused(answer, 414, "longer than the 4096 bytes this server reads; send a shorter URL.");
    }

    @Test
    void headersLargerThanTheServerReadsAreRefused431NamingTheLimit() throws Exception {
        Answer answer = send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "b".repeat(9000) + "\r\n\r\n");

        assertRefused(answer, 431, "The request's headers are larger than the 8192 bytes this server reads");
    }

    @Test
    void aBodyOverTheConfiguredLimitIsRefused413NamingTheLimitWhetherAnnouncedOrStreamed() throws Exception {
        String sentence = "The request body is larger than this server accepts: at most " + MAX_BODY_BYTES + " bytes.";

        // announced: refused on its Content-Length, before any of it is sent
        Answer announced = send("POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + (2 * MAX_BODY_BYTES) + "\r\n\r\n");
        assertRefused(announced, 413, sentence);

        // streamed without a length: refused once it passes the limit
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        chunked.writeBytes(("POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        for (int sent = 0; sent <= MAX_BODY_BYTES; sent += chunk.length) {
            chunked.writeBytes((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            chunked.writeBytes(chunk);
            chunked.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunked.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertRefused(send(chunked.toByteArray()), 413, sentence);
    }

    @Test
    void aMethodHttpDoesNotKnowOrThePathDoesNotTakeIsRefused405NamingWhatItTakes() throws Exception {
        Answer brew = send("BREW /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertRefused(brew, 405, "BREW is not an operation of /health; it takes GET.");
        assertThat(brew.headers.get("allow")).isEqualTo("GET");

        assertRefused(send("PROPFIND /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 405,
                "PROPFIND is not an operation of /api/jobs; it takes POST.");
        assertRefused(send("DELETE /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 405,
                "DELETE is not an operation of /health; it takes GET.");
    }

    @Test
    void aPathTheApiLacksIsRefused404PointingToTheDocumentEvenOutsideEveryRoute() throws Exception {
        assertRefused(send("GET /api/nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 404,
                "There is no /api/nothing-here in this API; its operations are described at /openapi.json.");
        // not even a path: no route of the server's can take it, Vert.x Web answers it itself
        assertRefused(send("OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 404,
                "There is no * in this API; its operations are described at /openapi.json.");
    }

    @Test
    void aRequestThatIsNotValidHttpIsRefused400SayingWhatWasMalformed() throws Exception {
        assertRefused(send("GARBAGE\r\n\r\n"), 400, "The request is not valid HTTP/1.1", "the server could not read it.");
        assertRefused(send("G@T /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 400, "Illegal character in HTTP Method");
        assertRefused(send("GET /health HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n"), 400, "No colon found");
        assertRefused(send("POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: many\r\n\r\n"), 400,
                "Content-Length value is not a number");
        assertRefused(send("GET /health HTTP/1.1\r\n\r\n"), 400, "the 'Host' header is required");
        assertRefused(send("GET /api/jobs/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 400, "its path or a header is malformed");
    }

    @Test
    void aWellFormedRequestStillGetsItsAnswer() throws Exception {
        Answer health = send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        assertThat(health.status).isEqualTo(200);
        assertThat(JSON.readTree(health.body)).isEqualTo(JSON.readTree("{\"status\": \"UP\"}"));
    }

    private static void assertRefused(Answer answer, int status, String... sentences) throws IOException {
        assertThat(answer.status).as("status of %s", answer).isEqualTo(status);
        assertThat(answer.headers.get("content-type")).as("content type of %s", answer).startsWith("application/json");
        assertThat(answer.body).as("body of %s", answer).isNotBlank();
        JsonNode error = JSON.readTree(answer.body).path("error");
        assertThat(error.isTextual()).as("an error sentence in %s", answer).isTrue();
        for (String sentence : sentences) {
            assertThat(error.asText()).contains(sentence);
        }
    }

    private static Answer send(String request) throws IOException, InterruptedException {
        return send(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Sends the bytes as they are and reads one answer: its status line, headers and body. The
     * bytes go from a thread of their own, since a refusal may come while they are still going.
     */
    private static Answer send(byte[] request) throws IOException, InterruptedException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            Thread writer = new Thread(() -> {
                try {
                    out.write(request);
                    out.flush();
                } catch (IOException closedEarly) {
                    // the server answered and closed before taking it all: the answer is what counts
                }
            }, "raw-request");
            writer.start();
            Answer answer = Answer.read(socket.getInputStream());
            writer.join(Duration.ofSeconds(10).toMillis());
            return answer;
        }
    }

    /** One HTTP/1.x answer as it came over the wire; header names in lower case. */
    private record Answer(int status, Map<String, String> headers, String body) {

        static Answer read(InputStream in) throws IOException {
            String statusLine = line(in);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (headers.containsKey("content-length")) {
                body.writeBytes(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
                    body.writeBytes(in.readNBytes(size));
                    line(in);
                }
            } else {
                body.writeBytes(in.readAllBytes());
            }
            return new Answer(Integer.parseInt(statusLine.split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int next = in.read(); next != '\n'; next = in.read()) {
                if (next == -1) {
                    throw new IOException("The server closed the connection mid-answer, after: " + line);
                }
                if (next != '\r') {
                    line.write(next);
                }
            }
            return line.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
