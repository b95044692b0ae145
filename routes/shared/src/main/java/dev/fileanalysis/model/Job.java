package dev.fileanalysis.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A job as stored by the server and as signed by the client (see DESIGN.md, "Wire formats").
 *
 * <p>The first seven fields are the signed identity of the job; everything after {@code signature}
 * is state the server and processors change while the job moves on.
 *
 * @param id          {@code job-<uuid>}
 * @param version     semver of the client that made the job
 * @param created     ISO-8601 UTC with milliseconds
 * @param bucket      S3 bucket holding the chunks
 * @param region      region of that bucket
 * @param file        {@code file-<uuid>}, never the user's file name
 * @param client      {@code client-} + 130 hex of the uncompressed P-256 public key
 * @param signature   hex DER ECDSA-P256-SHA256 over {@code JobSignature.signedBytes(job)}
 * @param status      UPLOADING, UPLOADED, PROCESSING, DONE or FAILED
 * @param chunks      chunks landed contiguously from 0; only grows
 * @param totalChunks number of chunks of the whole file, known once the client marked the upload done
 * @param processor   {@code processor-<uuid>} holding the job, or null
 * @param uploaded    ISO time the last chunk landed, or null while uploading
 * @param analysed    chunks the holding processor has fed to the engine so far
 * @param error       why the job FAILED, a sentence a person can act on
 * @param attempts    how many times a processor has claimed the job (a claim whose lease expired,
 *                    or an engine failure released for another try, leads to the next attempt)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Job(
        String id,
        String version,
        String created,
        String bucket,
        String region,
        String file,
        String client,
        String signature,
        String status,
        Integer chunks,
        Integer totalChunks,
        String processor,
        String uploaded,
        Integer analysed,
        String error,
        Integer attempts) {

    /** A job without attempt count, as clients and tools build it. */
    public Job(String id, String version, String created, String bucket, String region, String file, String client,
               String signature, String status, Integer chunks, Integer totalChunks, String processor, String uploaded,
               Integer analysed, String error) {
        this(id, version, created, bucket, region, file, client, signature, status, chunks, totalChunks, processor,
                uploaded, analysed, error, null);
    }

    public static final String UPLOADING = "UPLOADING";
    public static final String UPLOADED = "UPLOADED";
    public static final String PROCESSING = "PROCESSING";
    public static final String DONE = "DONE";
    public static final String FAILED = "FAILED";

    /** The signed identity only, as a client builds it before uploading. */
    public static Job unsigned(String id, String version, String created, String bucket, String region,
                               String file, String client) {
        return new Job(id, version, created, bucket, region, file, client, null, null, null, null, null, null, null, null);
    }

    public Job withSignature(String newSignature) {
        return new Job(id, version, created, bucket, region, file, client, newSignature, status, chunks, totalChunks,
                processor, uploaded, analysed, error, attempts);
    }
}
