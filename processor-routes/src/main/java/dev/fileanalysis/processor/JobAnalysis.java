package dev.fileanalysis.processor;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.apiclient.ServerApiClient.ChunkDownloads;
import dev.fileanalysis.apiclient.ServerApiClient.ChunkUrl;
import dev.fileanalysis.apiclient.ServerCallException;
import dev.fileanalysis.crypto.ClientPublicKey;
import dev.fileanalysis.crypto.JobSignature;
import dev.fileanalysis.crypto.ResultCipher;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.ResultPlaintext;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of analysing one claimed job that the analyse-job route calls: check the job's
 * signature, open the stream of its chunks for the engine, deliver the engine's answer (or the
 * reason it failed) encrypted to the key that signed the job, and free the worker. Asking for the
 * next job is the route's own edge to claim-jobs, not this bean's.
 */
public final class JobAnalysis {

    private static final Logger LOG = LoggerFactory.getLogger(JobAnalysis.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String JOB = "job";
    /** This worker's attempt on the job, as {@link LeaseKeeper#hold} numbered it. */
    static final String ATTEMPT = "attempt";
    static final String SIGNATURE_REJECTED = "signatureRejected";
    /** The presigned GETs of the chunks that had landed when the job was claimed (the claim's answer). */
    static final String FIRST_CHUNKS = "firstChunks";

    private final ServerApiClient server;
    private final HttpClient http;
    private final JobClaimer claimer;
    private final LeaseKeeper leases;
    private final long maxChunkBytes;
    private final Duration stallTimeout;
    private final int engineAttempts;

    public JobAnalysis(ServerApiClient server, HttpClient http, JobClaimer claimer, LeaseKeeper leases,
                       long maxChunkBytes, Duration stallTimeout, int engineAttempts) {
        this.server = server;
        this.http = http;
        this.claimer = claimer;
        this.leases = leases;
        this.maxChunkBytes = maxChunkBytes;
        this.stallTimeout = stallTimeout;
        this.engineAttempts = engineAttempts;
    }

    /**
     * Starts work on a claimed job, and refuses a job whose signature does not match its own
     * client key — a job the server might have forged or altered never reaches the engine.
     */
    public void begin(Exchange exchange) {
        // a claim's answer (the job and its first chunks' URLs), or a job alone, whose URLs are asked for
        Object claimed = exchange.getIn().getBody();
        ChunkDownloads claim = claimed instanceof ChunkDownloads downloads ? downloads
                : new ChunkDownloads(exchange.getIn().getBody(Job.class), List.of());
        Job job = claim.job();
        exchange.setProperty(JOB, job);
        exchange.setProperty(FIRST_CHUNKS, claim.urls());
        exchange.setProperty(ATTEMPT, leases.hold(job.id()));
        if (!JobSignature.isValid(job)) {
            exchange.setProperty(SIGNATURE_REJECTED, true);
            throw new SecurityException("The signature of job " + job.id() + " does not match its client key; "
                    + "the job was not analysed.");
        }
    }

    /**
     * Ends work on a job, whatever happened to it (the route's last step): its lease is no longer
     * renewed and its worker is free for the next claim.
     */
    public void finish(Exchange exchange) {
        Job job = exchange.getProperty(JOB, Job.class);
        if (job != null) {
            leases.letGo(job.id());
        }
        claimer.release();
    }

    /** The job's original bytes as a stream that follows the upload; the body of the engine request. */
    public ChunkStream openChunks(Exchange exchange) {
        Job job = exchange.getProperty(JOB, Job.class);
        long attempt = exchange.getProperty(ATTEMPT, Long.class);
        @SuppressWarnings("unchecked")
        List<ChunkUrl> firstChunks = exchange.getProperty(FIRST_CHUNKS, List.class);
        return new ChunkStream(server, http, job, claimer.processorId(), maxChunkBytes, stallTimeout,
                analysed -> reportProgress(job, analysed), () -> !leases.holds(job.id(), attempt),
                firstChunks == null ? List.of() : firstChunks);
    }

    /**
     * Encrypts the engine's JSON answer, with the job's id beside it ({@link ResultPlaintext}), to
     * the job's client key and stores it as the job's result. An attempt taken over meanwhile by a
     * newer one here still delivers it: the answer is as good as any attempt's, and the server
     * keeps one result per job.
     */
    public void deliverResult(Exchange exchange) throws Exception {
        Job job = exchange.getProperty(JOB, Job.class);
        String answer = exchange.getIn().getBody(String.class);
        JsonNode parsed;
        try {
            parsed = JSON.readTree(answer == null ? "" : answer);
        } catch (IOException e) {
            parsed = null;
        }
        if (parsed == null || !parsed.isObject()) {
            String reason = "The analysis engine answered with something other than a JSON object.";
            if (speaksFor(exchange, job)) {
                deliver(job, Job.FAILED, reason);
            } else {
                LOG.warn("stopped work on job {}: {}", job.id(), reason);
            }
            return;
        }
        byte[] plaintext = ResultPlaintext.done(job.id(), parsed).toBytes();
        String payload = ResultCipher.encrypt(plaintext, ClientPublicKey.fromClientId(job.client()));
        server.storeResult(job.id(), claimer.processorId(), Job.DONE, payload, null);
        LOG.info("job {} DONE, result encrypted to its client", job.id());
    }

    /**
     * Delivers the reason a job failed: encrypted like a result, or in plain words when the job's
     * key cannot be trusted; or gives the job back for another attempt while attempts remain.
     */
    public void deliverFailure(Exchange exchange) throws Exception {
        try {
            handleFailure(exchange);
        } catch (ServerCallException refused) {
            if (refused.status() != 409 && refused.status() != 403 && refused.status() != 404) {
                throw refused;
            }
            // Taken over, ended or gone meanwhile: the server refuses, rightly, whatever we had to say.
            LOG.warn("job {} is no longer ours: {}", exchange.getProperty(JOB, Job.class).id(), refused.getMessage());
        }
    }

    private void handleFailure(Exchange exchange) throws Exception {
        Job job = exchange.getProperty(JOB, Job.class);
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = describe(failure);
        if (Boolean.TRUE.equals(exchange.getProperty(SIGNATURE_REJECTED, Boolean.class))) {
            LOG.warn("job {} FAILED: {}", job.id(), reason);
            server.storeResult(job.id(), claimer.processorId(), Job.FAILED, null, reason);
            return;
        }
        if (!speaksFor(exchange, job) || isJobGone(failure)) {
            // Another processor holds it now, a newer attempt here took it up after this one's
            // lease ran out, or the server ended it: not this attempt's to give back or fail.
            LOG.warn("stopped work on job {}: {}", job.id(), reason);
            return;
        }
        int attempt = job.attempts() == null ? 1 : job.attempts();
        if (attempt < engineAttempts && isEngineFailure(failure)) {
            LOG.warn("job {} attempt {} of {} failed, giving it back for another: {}", job.id(), attempt, engineAttempts, reason);
            server.releaseJob(job.id(), claimer.processorId(), reason);
            return;
        }
        deliver(job, Job.FAILED, reason);
    }

    /** Whether this exchange's attempt may still give the job back or fail it ({@link LeaseKeeper#holds}). */
    private boolean speaksFor(Exchange exchange, Job job) {
        Long attempt = exchange.getProperty(ATTEMPT, Long.class);
        return attempt != null && leases.holds(job.id(), attempt);
    }

    private void deliver(Job job, String status, String error) throws Exception {
        LOG.warn("job {} {}: {}", job.id(), status, error);
        byte[] plaintext = ResultPlaintext.failed(job.id(), error).toBytes();
        String payload = ResultCipher.encrypt(plaintext, ClientPublicKey.fromClientId(job.client()));
        server.storeResult(job.id(), claimer.processorId(), status, payload, null);
    }

    private void reportProgress(Job job, int analysed) {
        try {
            server.reportAnalysisProgress(job.id(), claimer.processorId(), analysed);
        } catch (Exception e) {
            // Progress is informational; the analysis goes on.
            LOG.debug("could not report progress of job {}: {}", job.id(), e.getMessage());
        }
    }

    private static boolean isJobGone(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof JobGoneException) {
                return true;
            }
        }
        return false;
    }

    /** The engine refused, timed out or could not be reached: worth another attempt. */
    private static boolean isEngineFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            // SocketException covers a refused connection and one the engine broke mid-request
            // (broken pipe, reset), as when it crashes or restarts.
            if (cause instanceof HttpOperationFailedException || cause instanceof java.net.SocketException
                    || cause instanceof java.net.SocketTimeoutException
                    || cause instanceof org.apache.hc.core5.http.NoHttpResponseException
                    || cause instanceof org.apache.hc.core5.http.ConnectionClosedException) {
                return true;
            }
        }
        return false;
    }

    /** A sentence a person can act on, for each way the engine call can fail. */
    static String describe(Throwable failure) {
        if (failure == null) {
            return "The analysis failed for an unknown reason.";
        }
        if (failure instanceof SecurityException) {
            return failure.getMessage();
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpOperationFailedException http) {
                String body = http.getResponseBody() == null ? "" : http.getResponseBody();
                return "The analysis engine answered HTTP " + http.getStatusCode()
                        + (body.isBlank() ? "" : ": " + abbreviate(body)) + ". Check the engine's log; drop the file again to retry.";
            }
            if (cause instanceof java.net.ConnectException) {
                return "The analysis engine could not be reached (" + cause.getMessage()
                        + "). Make sure it is running, then drop the file again.";
            }
            if (cause instanceof java.net.SocketTimeoutException) {
                return "The analysis engine did not answer in time. Retry, or raise the processor's engine timeout.";
            }
            if (cause instanceof java.net.SocketException || cause instanceof org.apache.hc.core5.http.NoHttpResponseException
                    || cause instanceof org.apache.hc.core5.http.ConnectionClosedException) {
                return "The connection to the analysis engine broke (" + cause.getMessage()
                        + "); it may have crashed. Check its log, then drop the file again.";
            }
            if (cause instanceof IOException && cause.getMessage() != null
                    && (cause.getMessage().contains("stalled") || cause.getMessage().contains("corrupt"))) {
                return "The upload could not be read: " + cause.getMessage() + ". Drop the file again.";
            }
        }
        return "The analysis failed: " + failure.getMessage();
    }

    private static String abbreviate(String text) {
        String single = text.replaceAll("\\s+", " ").trim();
        return single.length() > 200 ? single.substring(0, 200) + "…" : single;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
