package dev.fileanalysis.client;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.fileanalysis.apiclient.ServerApiClient.ChunkUpload;
import dev.fileanalysis.apiclient.ServerApiClient.Reservation;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.Result;

/**
 * What the client needs from the server and from storage. A failure that waiting may cure is a
 * {@link ServerUnavailableException}; a refusal is a {@code ServerCallException}. {@link HttpPipelineServer} is the real
 * one (the server's HTTP API and presigned PUTs); tests put a fake in its place to stop the
 * client at any instant and check what reached the other side.
 */
public interface PipelineServer {

    /** Reserves a job; the same {@code request} gets the same reservation, so a retry reserves nothing twice. */
    Reservation reserveJob(String request) throws IOException, InterruptedException;

    Job registerJob(Job signed) throws IOException, InterruptedException;

    /** The job as the server knows it, or empty when the server does not know it. */
    Optional<Job> job(String jobId) throws IOException, InterruptedException;

    /** Presigned PUT URLs for chunks of a job, by index, each covering its chunk's Content-MD5 and length. */
    Map<Integer, String> presignUploads(String jobId, List<ChunkUpload> chunks) throws IOException, InterruptedException;

    /** Sends one chunk's frame to storage through its presigned URL. */
    void putChunk(String url, String md5, byte[] frame) throws IOException, InterruptedException;

    void reportUploadProgress(String jobId, int chunks) throws IOException, InterruptedException;

    void completeUpload(String jobId, int chunks) throws IOException, InterruptedException;

    List<Result> results(String clientId) throws IOException, InterruptedException;

    /** The device has stored these results (at most ServerApiClient.MAX_ACKNOWLEDGEMENTS); none is offered again. */
    void acknowledgeResults(List<String> resultIds) throws IOException, InterruptedException;

    /**
     * Waits until someone signs in on this device again, after a call failed with a
     * {@code SignedOutException}; interrupted at shutdown.
     */
    void awaitSignIn() throws InterruptedException;

    /** Gives up on a job of this client: the server ends it FAILED at once and frees what it holds. */
    void abandonJob(String jobId, String reason) throws IOException, InterruptedException;
}
