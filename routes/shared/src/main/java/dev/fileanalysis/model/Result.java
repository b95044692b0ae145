package dev.fileanalysis.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The outcome of a job as the server keeps it until the client has fetched it (DESIGN.md, "Result").
 *
 * @param id      {@code result-<uuid>}, derived from the job id so that a retried post cannot store a second result
 * @param job     the job id
 * @param client  the job's client id: the only key that can read {@code payload}
 * @param status  DONE or FAILED
 * @param payload {@code ephemeralPublicKeyHex:ivHex:tagHex:ciphertextHex}, or null when the job failed
 *                before anything could be encrypted to a trusted key (a job whose signature is invalid)
 * @param error   for such a failure, the reason in plain words; otherwise null (reasons travel encrypted)
 * @param created ISO time the result was stored
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Result(String id, String job, String client, String status, String payload, String error, String created) {
}
