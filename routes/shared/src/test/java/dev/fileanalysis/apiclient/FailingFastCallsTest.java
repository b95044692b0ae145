package dev.fileanalysis.apiclient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ServerApiClient#failingFast}: one request, given up at its own timeout, for calls a timer repeats anyway. */
class FailingFastCallsTest {

    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;

    @AfterEach
    void stopServer() {
        stopping.countDown();
        if (server != null) {
            server.stop(0);
        }
        handlers.shutdownNow();
    }

    @Test
    void aCallToAServerThatDoesNotAnswerGivesUpAtItsTimeoutInsteadOfTheGeneralRetryBudget() throws Exception {
        ServerApiClient api = serverAnswering(-1);

        long started = System.nanoTime();
        assertThatThrownBy(() -> api.failingFast(Duration.ofMillis(300)).renewLease("job-1", "processor-1"))
                .isInstanceOf(HttpTimeoutException.class);
        // The general client waits 30 s for an answer and retries for two minutes.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aFailureThatTheGeneralClientWouldRetryIsReportedAfterOneRequest() throws Exception {
        ServerApiClient api = serverAnswering(503);

        assertThatThrownBy(() -> api.failingFast(Duration.ofSeconds(5)).renewLease("job-1", "processor-1"))
                .isInstanceOfSatisfying(ServerCallException.class, e -> assertThat(e.status()).isEqualTo(503));
        assertThat(requests).as("no retry").hasValue(1);
    }

    @Test
    void aTimeoutMustBePositive() throws Exception {
        ServerApiClient api = serverAnswering(204);

        assertThatThrownBy(() -> api.failingFast(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive");
    }

    /** A server on a free loopback port that answers every call with {@code status}, or never when it is -1. */
    private ServerApiClient serverAnswering(int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(handlers);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            if (status < 0) {
                try {
                    stopping.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                exchange.sendResponseHeaders(status, -1);
            }
            exchange.close();
        });
        server.start();
        AccessTokens token = new AccessTokens() {
            @Override
            public String token() {
                return "token";
            }

            @Override
            public void invalidate() {
            }
        };
        return new ServerApiClient(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                token, RetryPolicy.DEFAULT);
    }
}
