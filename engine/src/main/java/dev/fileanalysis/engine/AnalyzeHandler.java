package dev.fileanalysis.engine;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /analyze}: the example analysis. Counts and hashes the body as it streams in, in
 * fixed-size reads, so a file of any size costs one buffer of memory.
 */
final class AnalyzeHandler {
    /** Optional; the processor sends the job's id so engine logs can be matched to jobs. */
    static final String JOB_ID_HEADER = "Job-Id";

    private static final int BUFFER_BYTES = 64 * 1024;
    private static final int MAX_JOB_LABEL = 200;

    private final long maxBodyBytes;
    private final ReadWatchdog watchdog;
    private final EngineLog log;

    AnalyzeHandler(EngineConfig config, ReadWatchdog watchdog, EngineLog log) {
        this.maxBodyBytes = config.maxBodyBytes();
        this.watchdog = watchdog;
        this.log = log;
    }

    void handle(HttpExchange exchange) throws IOException {
        long started = System.nanoTime();
        String job = jobLabel(exchange.getRequestHeaders().getFirst(JOB_ID_HEADER));
        Long declared = declaredLength(exchange);
        if (declared != null && declared > maxBodyBytes) {
            refuseTooLarge(exchange, job, declared + " bytes declared");
            return;
        }

        MessageDigest sha256 = sha256();
        byte[] buffer = new byte[BUFFER_BYTES];
        long size = 0;
        boolean tooLarge = false;
        ReadWatchdog.Watch watch = watchdog.watchCurrentThread();
        try {
            InputStream body = exchange.getRequestBody();
            int read;
            while ((read = body.read(buffer)) != -1) {
                watch.progress();
                size += read;
                if (size > maxBodyBytes) {
                    tooLarge = true;
                    break;
                }
                sha256.update(buffer, 0, read);
            }
        } catch (IOException e) {
            String reason = watch.finish()
                    ? "no data for " + watch.timeoutMillis() + " ms (" + EngineConfig.READ_TIMEOUT_MS + ")"
                    : "client disconnected mid-body (" + e.getMessage() + ")";
            abort(exchange, job, size, started, reason);
            return;
        }
        watch.finish();

        if (tooLarge) {
            refuseTooLarge(exchange, job, "more than " + maxBodyBytes + " bytes sent");
            return;
        }
        if (declared != null && size != declared) {
            // Defensive: never report a hash of a truncated body as the file's.
            abort(exchange, job, size, started, "client disconnected mid-body (got " + size + " of " + declared + " bytes)");
            return;
        }

        String hex = HexFormat.of().formatHex(sha256.digest());
        try {
            Json.reply(exchange, 200, "{\"size\":" + size + ",\"sha256\":\"" + hex + "\"}");
        } catch (IOException e) {
            abort(exchange, job, size, started, "client went away before the answer was sent (" + e.getMessage() + ")");
            return;
        }
        // Logged only once the answer is out: the system tests count these lines to prove each job
        // was analysed exactly once, so keep the format.
        log.info("analysed job=" + job + " bytes=" + size + " sha256=" + hex + " ms=" + elapsedMillis(started));
    }

    private void refuseTooLarge(HttpExchange exchange, String job, String what) throws IOException {
        log.warn("refused job=" + job + " status=413 reason=" + what + ", limit " + EngineConfig.MAX_BODY_BYTES + "=" + maxBodyBytes);
        // The rest of the body is not read; the connection cannot be reused.
        exchange.getResponseHeaders().set("Connection", "close");
        Json.reply(exchange, 413, Json.error("body too large: " + what + ", the engine accepts at most " + maxBodyBytes + " bytes"));
    }

    private void abort(HttpExchange exchange, String job, long size, long started, String reason) {
        log.warn("aborted job=" + job + " bytes=" + size + " ms=" + elapsedMillis(started) + " reason=" + reason);
        // Nobody is left to answer; closing drops the connection and frees this thread.
        exchange.close();
    }

    private static Long declaredLength(HttpExchange exchange) {
        if (exchange.getRequestHeaders().containsKey("Transfer-Encoding")) {
            return null;
        }
        String value = exchange.getRequestHeaders().getFirst("Content-Length");
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The header is only a label for the log: keep it one token, so log lines stay parseable. */
    static String jobLabel(String header) {
        if (header == null || header.isBlank()) {
            return "-";
        }
        String trimmed = header.trim();
        StringBuilder label = new StringBuilder(Math.min(trimmed.length(), MAX_JOB_LABEL));
        for (int i = 0; i < trimmed.length() && label.length() < MAX_JOB_LABEL; i++) {
            char c = trimmed.charAt(i);
            label.append(c > 0x20 && c < 0x7f ? c : '_');
        }
        return label.toString();
    }

    private static long elapsedMillis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
