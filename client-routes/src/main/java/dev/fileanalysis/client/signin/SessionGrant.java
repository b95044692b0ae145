package dev.fileanalysis.client.signin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The server's own session, as {@code POST /auth/session} and {@code /auth/refresh} answer: a
 * short-lived access token, the next refresh token (each is good for one refresh), who is signed
 * in and in which organisation.
 */
public record SessionGrant(String accessToken, long expiresInSeconds, String refreshToken, User user,
                           Organisation organisation, List<Organisation> organisations) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record User(@JsonProperty("id") String id, @JsonProperty("email") String email, @JsonProperty("name") String name) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Organisation(@JsonProperty("id") String id, @JsonProperty("name") String name, @JsonProperty("role") String role) {
    }

    static SessionGrant parse(JsonNode body, String what) throws IOException {
        String accessToken = required(body, "access_token", what);
        String refreshToken = required(body, "refresh_token", what);
        long expiresIn = body.path("expires_in").asLong(300);
        if (expiresIn <= 0) {
            throw new IOException(what + " answered an access token that has already expired (expires_in " + expiresIn + ").");
        }
        JsonNode user = body.path("user");
        List<Organisation> organisations = new ArrayList<>();
        for (JsonNode organisation : body.path("organisations")) {
            organisations.add(organisation(organisation));
        }
        return new SessionGrant(accessToken, expiresIn, refreshToken,
                user.isObject() ? new User(user.path("id").asText(null), user.path("email").asText(null), user.path("name").asText(null)) : null,
                body.path("organisation").isObject() ? organisation(body.path("organisation")) : null,
                List.copyOf(organisations));
    }

    private static Organisation organisation(JsonNode node) {
        return new Organisation(node.path("id").asText(null), node.path("name").asText(null), node.path("role").asText(null));
    }

    private static String required(JsonNode body, String field, String what) throws IOException {
        String value = body == null ? null : body.path(field).asText(null);
        if (value == null || value.isEmpty()) {
            throw new IOException(what + " answered without " + field + ": not a session response.");
        }
        return value;
    }

    /** Never prints the tokens. */
    @Override
    public String toString() {
        return "SessionGrant[" + (user == null ? "?" : user.email()) + ", expires in " + expiresInSeconds + " s]";
    }
}
