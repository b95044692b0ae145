package dev.fileanalysis.client.signin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What stays on disk between runs (session.json): the server it belongs to, the provider used,
 * the current refresh token (and the next one while a refresh is under way), and who is signed in
 * to which organisation. No access token: it
 * lives minutes and is kept in memory only.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StoredSession(
        @JsonProperty("server") String server,
        @JsonProperty("provider") String provider,
        @JsonProperty("refresh_token") String refreshToken,
        @JsonProperty("user") SessionGrant.User user,
        @JsonProperty("organisation") SessionGrant.Organisation organisation,
        @JsonProperty("next_refresh_token") String nextRefreshToken) {

    public StoredSession(String server, String provider, String refreshToken, SessionGrant.User user,
                         SessionGrant.Organisation organisation) {
        this(server, provider, refreshToken, user, organisation, null);
    }

    public static StoredSession of(String server, String provider, SessionGrant grant) {
        return new StoredSession(server, provider, grant.refreshToken(), grant.user(), grant.organisation(), null);
    }

    /**
     * The same session about to be refreshed into {@code next}: stored before the server is asked,
     * so that after a crash the very same request can be repeated (the server answers it again)
     * instead of presenting a token the server may already have replaced.
     */
    public StoredSession refreshingTo(String next) {
        return new StoredSession(server, provider, refreshToken, user, organisation, next);
    }

    /** The same sign-in after a refresh: the new refresh token, and the organisation the server now says. */
    public StoredSession after(SessionGrant grant) {
        return new StoredSession(server, provider, grant.refreshToken(),
                grant.user() != null ? grant.user() : user,
                grant.organisation() != null ? grant.organisation() : organisation, null);
    }

    /** Never prints the refresh token. */
    @Override
    public String toString() {
        return "StoredSession[" + (user == null ? "?" : user.email()) + " in " + (organisation == null ? "?" : organisation.id())
                + " at " + server + "]";
    }
}
