package dev.fileanalysis.engine;

import com.sun.net.httpserver.HttpServer;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/** A started engine. Closing it stops accepting, drops open requests and frees its threads. */
public final class RunningEngine implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService handlers;
    private final ReadWatchdog watchdog;
    private final InFlight inFlight;
    private final EngineLog log;
    private final String host;
    private final int port;
    private final AtomicBoolean stopped = new AtomicBoolean();

    RunningEngine(HttpServer server, ExecutorService handlers, ReadWatchdog watchdog, InFlight inFlight,
                  EngineLog log, String host, int port) {
        this.server = server;
        this.handlers = handlers;
        this.watchdog = watchdog;
        this.inFlight = inFlight;
        this.log = log;
        this.host = host;
        this.port = port;
    }

    /** The address actually bound, as a literal IP (IPv6 without brackets). */
    public String host() {
        return host;
    }

    /** The port actually bound, also when the configured port was 0. */
    public int port() {
        return port;
    }

    /** {@code http://HOST:PORT}, without a trailing slash; the endpoints are {@code /analyze} and {@code /health}. */
    public String url() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * Answers new requests with 503, lets the ones in flight finish for up to {@code grace}, then
     * closes the port and drops whatever is still running. Returns as soon as nothing is in flight.
     */
    public void stop(Duration grace) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        int dropped = inFlight.drain(grace);
        if (dropped > 0) {
            log.warn("stopping with " + dropped + " request(s) still running after " + grace.toMillis() + " ms; dropping them");
        }
        server.stop(0);
        handlers.shutdownNow();
        watchdog.close();
        log.info("stopped " + url());
    }

    /** Requests being handled right now. */
    int inFlight() {
        return inFlight.active();
    }

    /** Stops at once, dropping requests in flight; see {@link #stop(Duration)} for a graceful stop. */
    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
