package dev.fileanalysis.auth;

/**
 * Who made a request, as proven by a validated bearer token.
 *
 * @param subject   the token's {@code sub}
 * @param processor true when the subject is one of the configured processor service clients
 */
public record Caller(String subject, boolean processor) {
}
