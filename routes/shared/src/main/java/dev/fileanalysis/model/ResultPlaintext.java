package dev.fileanalysis.model;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a result's payload decrypts to: the job it answers, and either the engine's answer or the
 * sentence telling why the job failed —
 * {@code {"job":"job-…","result":{…}}} or {@code {"job":"job-…","error":"…"}}.
 *
 * <p>The job id travels inside the encryption, so a device that decrypts a result can tell whether
 * it answers the job it is filed under: a server that moved a sealed answer from one job to
 * another is caught by the device ({@link #readFor}), not trusted. The processor writes it
 * ({@link #done}, {@link #failed}, {@link #toBytes}); the client reads it ({@link #read}).
 */
public final class ResultPlaintext {

    /** The field naming the job the result answers. */
    public static final String JOB = "job";
    /** The field holding the engine's answer (a JSON object) of a job that is DONE. */
    public static final String RESULT = "result";
    /** The field holding the sentence that tells why a job FAILED. */
    public static final String ERROR = "error";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String job;
    private final JsonNode result;
    private final String error;

    private ResultPlaintext(String job, JsonNode result, String error) {
        this.job = job;
        this.result = result;
        this.error = error;
    }

    /** The answer of a job that is DONE; {@code answer} must be a JSON object, as the engine's contract says. */
    public static ResultPlaintext done(String jobId, JsonNode answer) {
        requireJob(jobId);
        if (answer == null || !answer.isObject()) {
            throw new IllegalArgumentException("The answer of job " + jobId + " must be a JSON object.");
        }
        return new ResultPlaintext(jobId, answer.deepCopy(), null);
    }

    /** The reason a job FAILED, a sentence a person can act on. */
    public static ResultPlaintext failed(String jobId, String error) {
        requireJob(jobId);
        if (error == null || error.isBlank()) {
            throw new IllegalArgumentException("The failure of job " + jobId + " needs a reason.");
        }
        return new ResultPlaintext(jobId, null, error);
    }

    /** The UTF-8 JSON that gets encrypted, the job id first. */
    public byte[] toBytes() {
        ObjectNode plaintext = JSON.createObjectNode().put(JOB, job);
        if (result != null) {
            plaintext.set(RESULT, result);
        } else {
            plaintext.put(ERROR, error);
        }
        try {
            return JSON.writeValueAsBytes(plaintext);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    /**
     * Reads a decrypted payload; fields other than these three are ignored.
     *
     * @throws MalformedResultException when it is not a JSON object naming its job with either a
     *                                  {@code result} object or an {@code error} sentence
     */
    public static ResultPlaintext read(byte[] plaintext) throws MalformedResultException {
        JsonNode tree;
        try {
            tree = plaintext == null ? null : JSON.readTree(plaintext);
        } catch (JsonProcessingException e) {
            throw new MalformedResultException("The decrypted result is not JSON (" + e.getOriginalMessage() + ").");
        } catch (IOException e) {
            throw new MalformedResultException("The decrypted result is not JSON (" + e.getMessage() + ").");
        }
        if (tree == null || !tree.isObject()) {
            throw new MalformedResultException("The decrypted result is not a JSON object.");
        }
        JsonNode job = tree.get(JOB);
        if (job == null || !job.isTextual() || job.asText().isBlank()) {
            throw new MalformedResultException("The decrypted result names no job (its '" + JOB + "' field is missing).");
        }
        JsonNode result = tree.get(RESULT);
        JsonNode error = tree.get(ERROR);
        if (result != null && error != null) {
            throw new MalformedResultException("The decrypted result of " + job.asText() + " has both a '" + RESULT
                    + "' and an '" + ERROR + "'.");
        }
        if (result != null && result.isObject()) {
            return new ResultPlaintext(job.asText(), result, null);
        }
        if (error != null && error.isTextual()) {
            return new ResultPlaintext(job.asText(), null, error.asText());
        }
        throw new MalformedResultException("The decrypted result of " + job.asText() + " has neither a '" + RESULT
                + "' object nor an '" + ERROR + "' sentence.");
    }

    /**
     * Reads a decrypted payload filed under {@code jobId}, and refuses it when it names another
     * job: the answer of one job shown as another's would be worse than no answer.
     */
    public static ResultPlaintext readFor(String jobId, byte[] plaintext) throws MalformedResultException {
        ResultPlaintext read = read(plaintext);
        if (!read.job.equals(jobId)) {
            throw new MalformedResultException("The result filed under job " + jobId + " answers job " + read.job
                    + "; it was refused.");
        }
        return read;
    }

    /** The job this result answers. */
    public String job() {
        return job;
    }

    /** True for the answer of a job that is DONE, false for a failure's reason. */
    public boolean isDone() {
        return result != null;
    }

    /** The engine's answer (a JSON object, a copy), or null for a failure. */
    public JsonNode result() {
        return result == null ? null : result.deepCopy();
    }

    /** Why the job failed, or null for a job that is DONE. */
    public String error() {
        return error;
    }

    private static void requireJob(String jobId) {
        if (jobId == null || jobId.isBlank()) {
            throw new IllegalArgumentException("A result must name its job.");
        }
    }
}
