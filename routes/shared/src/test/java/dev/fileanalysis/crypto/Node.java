package dev.fileanalysis.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.model.Job;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * Runs the scripts in src/test/resources/node-interop with the system's Node.js. A missing
 * {@code node} fails the test: interop is proven against Node itself or not at all.
 */
final class Node {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 60;

    private Node() {
    }

    static JsonNode run(String script, Map<String, ?> input) {
        Path path = script(script);
        Process process;
        try {
            process = new ProcessBuilder("node", path.toString()).start();
        } catch (IOException e) {
            return fail("Node.js is needed for the interop tests and 'node' could not be started from PATH ("
                    + e.getMessage() + "); install Node 20 or put it on PATH");
        }
        CompletableFuture<byte[]> stdout = drain(process.getInputStream());
        CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(JSON.writeValueAsBytes(input));
        } catch (IOException e) {
            throw new UncheckedIOException("writing to node " + script, e);
        }
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return fail("node " + script + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String err = new String(stderr.join(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                return fail("node " + script + " exited with " + process.exitValue() + ": " + err);
            }
            return JSON.readTree(stdout.join());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the reply of node " + script, e);
        }
    }

    /** The job's fields as UTF-16 code units, so lone surrogates reach Node unchanged. */
    static Map<String, int[]> codeUnits(Job job) {
        Map<String, int[]> fields = new LinkedHashMap<>();
        fields.put("id", job.id().chars().toArray());
        fields.put("version", job.version().chars().toArray());
        fields.put("created", job.created().chars().toArray());
        fields.put("bucket", job.bucket().chars().toArray());
        fields.put("region", job.region().chars().toArray());
        fields.put("file", job.file().chars().toArray());
        fields.put("client", job.client().chars().toArray());
        return fields;
    }

    private static Path script(String name) {
        var url = Node.class.getResource("/node-interop/" + name);
        if (url == null) {
            throw new IllegalStateException("no node-interop/" + name + " on the test class path");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
