package dev.fileanalysis.engine;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineLifecycleTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void announcesTheRealPortOnceWhenStartedOnPortZero() throws Exception {
        RecordingLog log = new RecordingLog();
        try (RunningEngine engine = Engine.start(EngineConfig.defaults(), log)) {
            assertThat(engine.port()).isPositive();
            assertThat(engine.host()).isEqualTo("127.0.0.1");
            assertThat(engine.url()).isEqualTo("http://127.0.0.1:" + engine.port());
            assertThat(log.readyUrls).containsExactly(engine.url());
            assertThat(log.awaitContaining("listening on loopback")).contains(engine.url());
        }
        assertThat(log.awaitContaining("stopped http://127.0.0.1:"));
    }

    @Test
    void gracefulStopTurnsNewRequestsAwayAndLetsTheRunningOneFinish() throws Exception {
        RecordingLog log = new RecordingLog();
        RunningEngine engine = Engine.start(EngineConfig.defaults(), log);
        try (Socket socket = new Socket(engine.host(), engine.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write("POST /analyze HTTP/1.1\r\nHost: x\r\nJob-Id: job-late\r\nContent-Length: 6\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitTrue(() -> engine.inFlight() == 1);

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> engine.stop(Duration.ofSeconds(30)));
            URI health = URI.create(engine.url() + "/health");
            awaitTrue(() -> http.send(HttpRequest.newBuilder(health).build(), BodyHandlers.ofString()).statusCode() == 503);
            assertThat(stopped).isNotDone();

            out.write("def".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(reply).startsWith("HTTP/1.1 200").contains("\"size\":6");
            stopped.get(20, TimeUnit.SECONDS);
        }
        assertThat(log.awaitContaining("analysed job=job-late bytes=6"));
        assertThat(log.lines()).noneMatch(line -> line.contains("dropping"));
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    /** Spins on a condition the engine exposes no event for; bounded, so a failure cannot hang. */
    private static void awaitTrue(Condition condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.holds()) {
            assertThat(System.nanoTime()).as("condition within 20 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void nonLoopbackBindIsRefusedUnlessAllowed() throws Exception {
        RecordingLog log = new RecordingLog();
        assertThatThrownBy(() -> Engine.start(EngineConfig.defaults().withHost("0.0.0.0"), log))
                .isInstanceOf(EngineConfigException.class)
                .hasMessageContaining("engine.host=0.0.0.0 is not a loopback address")
                .hasMessageContaining("engine.allow-non-loopback=true");
        assertThat(log.readyUrls).as("never listened").isEmpty();
    }

    @Test
    void loopbackByNameAndIpv6LoopbackAreAccepted() throws Exception {
        try (RunningEngine engine = Engine.start(EngineConfig.defaults().withHost("localhost"), new RecordingLog())) {
            assertThat(http.send(HttpRequest.newBuilder(URI.create(engine.url() + "/health")).build(), BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);
        }
        try (RunningEngine engine = Engine.start(EngineConfig.defaults().withHost("::1"), new RecordingLog())) {
            assertThat(engine.url()).startsWith("http://[");
        } catch (IOException noIpv6Here) {
            // Hosts without IPv6 cannot bind ::1; the check under test already passed by then.
            assertThat(noIpv6Here).hasMessageContaining("cannot listen on");
        }
    }

    @Test
    void unknownHostIsAConfigurationError() {
        assertThatThrownBy(() -> Engine.start(EngineConfig.defaults().withHost("no-such-host.invalid"), new RecordingLog()))
                .isInstanceOf(EngineConfigException.class)
                .hasMessage("engine.host=no-such-host.invalid: unknown host");
    }

    @Test
    void takenPortIsReportedWithTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> Engine.start(EngineConfig.defaults().withPort(taken.getLocalPort()), new RecordingLog()))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void mainPrintsTheUrlAsItsFirstStdoutLineThenServes() throws Exception {
        Process process = java("--config", "does/not/exist.properties", "--property", "engine.threads=2").start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertThat(first).matches("engine http://127\\.0\\.0\\.1:\\d+");
            String url = first.substring("engine ".length());
            assertThat(http.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(), BodyHandlers.ofString()).body())
                    .isEqualTo("{\"status\":\"UP\"}");
            http.send(HttpRequest.newBuilder(URI.create(url + "/analyze")).header("Job-Id", "job-main")
                    .POST(HttpRequest.BodyPublishers.ofString("abc")).build(), BodyHandlers.ofString());
            String line;
            do {
                line = out.readLine();
                assertThat(line).isNotNull();
                assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (INFO|WARN) .*");
            } while (!line.contains("analysed job=job-main"));
            assertThat(line).contains("bytes=3 sha256=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad ms=");
        } finally {
            process.destroy();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void mainExplainsBadConfigurationOnStderrAndPrintsNothingOnStdout() throws Exception {
        Process process = java("--config", "does/not/exist.properties", "--property", "engine.port=http").start();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
        assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(
                "engine: engine.port='http' (from --property engine.port=http): expected a whole number from 0 to 65535"
                        + System.lineSeparator());
    }

    private static ProcessBuilder java(String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Engine.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("ENGINE_"));
        return builder;
    }
}
