package dev.fileanalysis.server.auth;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;

/**
 * Stands in for Google's and Microsoft's key endpoints, which cannot be reached from here: serves
 * JWK sets over real HTTP on a random loopback port, and counts how often each is fetched.
 */
final class ProviderKeysServer implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, String> published = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();

    ProviderKeysServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            fetches.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            String body = published.get(path);
            byte[] bytes = (body == null ? "{\"error\":\"no keys here\"}" : body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    /** Publishes the public half of {@code keys} at {@code path}, replacing what was there. */
    void publish(String path, JWKSet keys) {
        published.put(path, keys.toPublicJWKSet().toString(true));
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int fetches(String path) {
        AtomicInteger count = fetches.get(path);
        return count == null ? 0 : count.get();
    }

    int totalFetches() {
        return fetches.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
