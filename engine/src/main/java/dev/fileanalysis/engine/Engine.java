package dev.fileanalysis.engine;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The example analysis engine: an HTTP service that answers the size and SHA-256 of what it is
 * sent. It stands for the user's own analysis, which can be written in any language as long as it
 * keeps the HTTP contract in engine/README.md.
 */
public final class Engine {
    /** How long a stop asked for by the platform (SIGTERM, Ctrl-C) waits for analyses in flight. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private Engine() {
    }

    /** Starts with {@link EngineLog#console()}: announces {@code engine http://HOST:PORT} on stdout. */
    public static RunningEngine start(EngineConfig config) throws IOException {
        return start(config, EngineLog.console());
    }

    /**
     * Binds, starts serving and calls {@link EngineLog#ready} with the real URL before returning.
     *
     * @throws EngineConfigException the host is unknown, or is not loopback and
     *                               {@code engine.allow-non-loopback} is not set
     * @throws IOException           the address cannot be bound (e.g. the port is taken)
     */
    public static RunningEngine start(EngineConfig config, EngineLog log) throws IOException {
        InetAddress address = bindAddress(config);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, config.port()), 0);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + address.getHostAddress() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        ExecutorService handlers = Executors.newFixedThreadPool(config.threads(), namedThreads());
        ReadWatchdog watchdog = new ReadWatchdog(config.readTimeout());
        server.setExecutor(handlers);
        InFlight inFlight = new InFlight();
        server.createContext("/", new EngineHandler(new AnalyzeHandler(config, watchdog, log), inFlight, log));
        server.start();

        RunningEngine engine = new RunningEngine(server, handlers, watchdog, inFlight, log,
                address.getHostAddress(), server.getAddress().getPort());
        log.ready(engine.url());
        if (address.isLoopbackAddress()) {
            log.info("listening on loopback " + engine.url() + " only: reachable from this machine (its processor), not from the network");
        } else {
            log.warn("listening on non-loopback " + engine.url() + " because " + EngineConfig.ALLOW_NON_LOOPBACK
                    + "=true: only the processor may reach it, keep this on an internal network");
        }
        log.info("serving POST /analyze and GET /health with " + config.describe());
        return engine;
    }

    private static InetAddress bindAddress(EngineConfig config) {
        InetAddress address;
        try {
            address = InetAddress.getByName(config.host());
        } catch (UnknownHostException e) {
            throw new EngineConfigException(EngineConfig.HOST + "=" + config.host() + ": unknown host");
        }
        if (!address.isLoopbackAddress() && !config.allowNonLoopback()) {
            throw new EngineConfigException(EngineConfig.HOST + "=" + config.host() + " is not a loopback address."
                    + " The engine must be reachable only by its processor; to bind it on an internal network"
                    + " (a container's), also set " + EngineConfig.ALLOW_NON_LOOPBACK + "=true");
        }
        return address;
    }

    private static java.util.concurrent.ThreadFactory namedThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> new Thread(runnable, "engine-analyze-" + count.incrementAndGet());
    }

    /**
     * {@code engine [--config PATH] [--property key=value]...}. Prints {@code engine http://HOST:PORT}
     * as the first stdout line once listening; bad configuration exits with status 2 and a
     * one-paragraph explanation on stderr, an unusable address with status 1.
     */
    public static void main(String[] args) {
        int status = run(args, System.getenv());
        if (status != 0) {
            System.exit(status);
        }
    }

    private static int run(String[] args, Map<String, String> environment) {
        try {
            EngineArguments arguments = EngineArguments.parse(args);
            if (arguments.help()) {
                System.out.println(EngineArguments.USAGE);
                return 0;
            }
            EngineConfig config = EngineConfig.load(arguments.configFile(), environment, arguments.properties());
            EngineLog log = EngineLog.console();
            RunningEngine engine = start(config, log);
            log.info("configuration: " + (EngineConfig.fileExists(arguments.configFile())
                    ? "file " + arguments.configFile().toAbsolutePath()
                    : "no file at " + arguments.configFile().toAbsolutePath() + ", built-in defaults")
                    + ", then ENGINE_* environment variables, then " + arguments.properties().size() + " --property");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> engine.stop(SHUTDOWN_GRACE), "engine-shutdown"));
            return 0;
        } catch (EngineConfigException e) {
            System.err.println("engine: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("engine: " + e.getMessage());
            return 1;
        }
    }
}
