package dev.fileanalysis.apiclient;

import java.io.IOException;

/**
 * Where a caller of the server's API gets its bearer token: a processor's service credential
 * ({@link TokenSource}) or a signed-in person's server session.
 */
public interface AccessTokens {

    /** A token the server should accept now; may fetch or refresh one. */
    String token() throws IOException, InterruptedException;

    /** Forgets the current token, e.g. after the server answered 401 to it; the next {@link #token()} gets a fresh one. */
    void invalidate();
}
