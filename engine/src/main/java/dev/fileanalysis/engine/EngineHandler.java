package dev.fileanalysis.engine;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;

/**
 * Routes by exact path. HttpServer contexts match by prefix ({@code /analyzeX} would reach a
 * {@code /analyze} context), so everything arrives here and unknown paths get a clean 404.
 */
final class EngineHandler implements HttpHandler {
    private final AnalyzeHandler analyze;
    private final InFlight inFlight;
    private final EngineLog log;

    EngineHandler(AnalyzeHandler analyze, InFlight inFlight, EngineLog log) {
        this.analyze = analyze;
        this.inFlight = inFlight;
        this.log = log;
    }

    @Override
    public void handle(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if (!inFlight.enter()) {
            shuttingDown(exchange, method, path);
            return;
        }
        try {
            switch (path) {
                case "/analyze" -> {
                    if (method.equals("POST")) {
                        analyze.handle(exchange);
                    } else {
                        methodNotAllowed(exchange, method, path, "POST");
                    }
                }
                case "/health" -> {
                    if (method.equals("GET") || method.equals("HEAD")) {
                        Json.reply(exchange, 200, "{\"status\":\"UP\"}");
                    } else {
                        methodNotAllowed(exchange, method, path, "GET, HEAD");
                    }
                }
                default -> {
                    log.info("rejected " + method + " " + path + " status=404");
                    Json.reply(exchange, 404, Json.error("no such endpoint: " + path + " (the engine serves POST /analyze and GET /health)"));
                }
            }
        } catch (IOException e) {
            log.warn("failed " + method + " " + path + " reason=" + e);
        } catch (RuntimeException e) {
            log.warn("failed " + method + " " + path + " reason=" + e);
            try {
                Json.reply(exchange, 500, Json.error("engine error: " + e));
            } catch (IOException | RuntimeException ignored) {
                // The reply may already have started; the close below ends the exchange anyway.
            }
        } finally {
            exchange.close();
            // A read-timeout interrupt must not leak into the next request on this pooled thread.
            Thread.interrupted();
            inFlight.exit();
        }
    }

    private void shuttingDown(HttpExchange exchange, String method, String path) {
        log.info("rejected " + method + " " + path + " status=503 reason=stopping");
        try {
            exchange.getResponseHeaders().set("Connection", "close");
            Json.reply(exchange, 503, Json.error("the engine is stopping; try again later"));
        } catch (IOException e) {
            // The client is gone; nothing to tell it.
        } finally {
            exchange.close();
        }
    }

    private void methodNotAllowed(HttpExchange exchange, String method, String path, String allowed) throws IOException {
        log.info("rejected " + method + " " + path + " status=405");
        exchange.getResponseHeaders().set("Allow", allowed);
        Json.reply(exchange, 405, Json.error("method " + method + " not allowed on " + path + "; use " + allowed));
    }
}
