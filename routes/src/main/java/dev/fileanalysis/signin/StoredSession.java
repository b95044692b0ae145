package dev.fileanalysis.signin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What stays on disk between runs (session.json): the server it belongs to, the provider used,
 * the current refresh token, and who is signed in to which organisation. No access token: it
 * lives minutes and is kept in memory only.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StoredSession(
        @JsonProperty("server") String server,
        @JsonProperty("provider") String provider,
        @JsonProperty("refresh_token") String refreshToken,
        @JsonProperty("user") SessionGrant.User user,
        @JsonProperty("organisation") SessionGrant.Organisation organisation) {

    public static StoredSession of(String server, String provider, SessionGrant grant) {
        return new StoredSession(server, provider, grant.refreshToken(), grant.user(), grant.organisation());
    }

    /** The same sign-in after a refresh: the new refresh token, and the organisation the server now says. */
    public StoredSession after(SessionGrant grant) {
        return new StoredSession(server, provider, grant.refreshToken(),
                grant.user() != null ? grant.user() : user,
                grant.organisation() != null ? grant.organisation() : organisation);
    }

    /** Never prints the refresh token. */
    @Override
    public String toString() {
        return "StoredSession[" + (user == null ? "?" : user.email()) + " in " + (organisation == null ? "?" : organisation.id())
                + " at " + server + "]";
    }
}
