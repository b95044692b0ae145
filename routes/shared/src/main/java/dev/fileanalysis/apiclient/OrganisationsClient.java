package dev.fileanalysis.apiclient;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The server's user and organisation endpoints as a signed-in person calls them (the CLI's
 * {@code org} and {@code member} commands). Answers are the server's JSON, passed on as it is:
 * the caller shows what it needs. Refusals are {@link ServerCallException}s carrying the server's
 * sentence.
 */
public final class OrganisationsClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerApiClient server;

    public OrganisationsClient(ServerApiClient server) {
        this.server = server;
    }

    public JsonNode me() throws IOException, InterruptedException {
        return server.call("GET", "/api/me", null);
    }

    public JsonNode organisations() throws IOException, InterruptedException {
        return server.call("GET", "/api/organisations", null);
    }

    public JsonNode createOrganisation(String name) throws IOException, InterruptedException {
        return server.call("POST", "/api/organisations", body("name", name));
    }

    public JsonNode organisation(String org) throws IOException, InterruptedException {
        return server.call("GET", orgPath(org), null);
    }

    public JsonNode plan(String org) throws IOException, InterruptedException {
        return server.call("GET", orgPath(org) + "/plan", null);
    }

    /** {@code {"members":[{"user","email","name","role"}]}}. */
    public JsonNode members(String org) throws IOException, InterruptedException {
        return server.call("GET", orgPath(org) + "/members", null);
    }

    public JsonNode changeRole(String org, String userId, String role) throws IOException, InterruptedException {
        return server.call("PUT", orgPath(org) + "/members/" + segment(userId), body("role", role));
    }

    public JsonNode removeMember(String org, String userId) throws IOException, InterruptedException {
        return server.call("DELETE", orgPath(org) + "/members/" + segment(userId), null);
    }

    public JsonNode invite(String org, String email, String role) throws IOException, InterruptedException {
        return server.call("POST", orgPath(org) + "/invitations", body("email", email, "role", role));
    }

    public JsonNode invitations(String org) throws IOException, InterruptedException {
        return server.call("GET", orgPath(org) + "/invitations", null);
    }

    public JsonNode withdrawInvitation(String org, String email) throws IOException, InterruptedException {
        return server.call("DELETE", orgPath(org) + "/invitations/" + segment(email), null);
    }

    /** Everyone who signs in with an e-mail address at {@code domain} joins {@code org} with {@code role}. */
    public JsonNode claimDomain(String org, String domain, String role) throws IOException, InterruptedException {
        return server.call("PUT", orgPath(org) + "/domains/" + segment(domain), body("role", role));
    }

    public JsonNode releaseDomain(String org, String domain) throws IOException, InterruptedException {
        return server.call("DELETE", orgPath(org) + "/domains/" + segment(domain), null);
    }

    private static String orgPath(String org) {
        return "/api/organisations/" + segment(org);
    }

    /** One path segment, percent-encoded: a name typed by a person must not add path segments or a query. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String body(String... keysAndValues) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            fields.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return JSON.writeValueAsString(fields);
    }
}
