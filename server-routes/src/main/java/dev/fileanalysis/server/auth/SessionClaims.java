package dev.fileanalysis.server.auth;

/**
 * The claims of the server's own session access token: who, acting for which organisation, in
 * which sign-in session (so one session can be revoked without signing the user out everywhere).
 *
 * @param user         the user id ({@code sub})
 * @param organisation the organisation the session acts for ({@code org})
 * @param session      the session id ({@code sid})
 */
public record SessionClaims(String user, String organisation, String session) {

    public SessionClaims {
        requireText("user", user);
        requireText("organisation", organisation);
        requireText("session", session);
    }

    private static void requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Session claims need a " + field + ".");
        }
    }
}
