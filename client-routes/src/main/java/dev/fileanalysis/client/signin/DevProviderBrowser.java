package dev.fileanalysis.client.signin;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.apiclient.TokenSource;

/**
 * The person at the browser, for the dev provider (mock-oauth2-server) only: fills in its login
 * form as {@code NAME} (e-mail {@code NAME@pipeline.test}) and follows the provider's redirect
 * back to the loopback listener over real HTTP, exactly the requests a browser would make. This
 * is how {@code ./pipeline up} signs its client in without a screen, and how
 * {@code ./pipeline login --user NAME} becomes another person on the embedded default.
 */
public final class DevProviderBrowser implements Browser {

    public static final String EMAIL_DOMAIN = "pipeline.test";
    private static final Pattern USER_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String userName;
    private final Map<String, Object> claims;
    // Its own client: the provider's 302 must be seen, not followed, to check where it leads.
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /** @param userName lower-case letters, digits, '.', '_' or '-'; becomes the ID token's sub and the e-mail's local part */
    public DevProviderBrowser(String userName) {
        if (userName == null || !USER_NAME.matcher(userName).matches()) {
            throw new IllegalArgumentException("A dev user name is 1 to 64 lower-case letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit (it becomes NAME@" + EMAIL_DOMAIN + "); got '" + userName + "'");
        }
        this.userName = userName;
        this.claims = new LinkedHashMap<>();
        claims.put("email", email());
        claims.put("email_verified", true);
        claims.put("name", displayName());
    }

    /**
     * The same person with other or further ID token claims, e.g. another e-mail, an unverified
     * one, or the {@code hd} / {@code tid} claims Google and Microsoft add, to try those
     * providers' formats against the dev provider.
     */
    public DevProviderBrowser withClaims(Map<String, Object> changed) {
        DevProviderBrowser other = new DevProviderBrowser(userName);
        other.claims.putAll(changed);
        return other;
    }

    public String userName() {
        return userName;
    }

    public String email() {
        return userName + "@" + EMAIL_DOMAIN;
    }

    /** "alice.smith" is shown as "Alice Smith". */
    public String displayName() {
        StringBuilder name = new StringBuilder();
        for (String part : userName.split("[._-]+")) {
            if (part.isEmpty()) {
                continue;
            }
            if (name.length() > 0) {
                name.append(' ');
            }
            name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return name.length() == 0 ? userName : name.toString();
    }

    @Override
    public void open(URI authorizationUrl) throws IOException, InterruptedException {
        signInAndReturn(authorizationUrl);
    }

    /**
     * Submits the login form at {@code authorizationUrl} and delivers the provider's redirect.
     *
     * @return the loopback listener's answer to the browser (its page and status)
     */
    public HttpResponse<String> signInAndReturn(URI authorizationUrl) throws IOException, InterruptedException {
        String form = "username=" + encode(userName) + "&claims=" + encode(json(claims));
        // The login form posts back to the page's own address, query included: that carries the authorization request.
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(authorizationUrl)
                        .timeout(CALL_TIMEOUT)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String location = login.headers().firstValue("Location").orElse(null);
        if (login.statusCode() != 302 || location == null) {
            throw new SignInException("The dev identity provider did not accept the sign-in of '" + userName + "' at "
                    + withoutQuery(authorizationUrl) + " (HTTP " + login.statusCode() + ": " + TokenSource.abbreviate(login.body())
                    + "). Is it the dev provider, with interactive login on?");
        }
        URI redirect = authorizationUrl.resolve(location);
        if (!"http".equals(redirect.getScheme()) || redirect.getHost() == null
                || !InetAddress.getByName(redirect.getHost()).isLoopbackAddress()) {
            // This stand-in for a person only ever talks to a listener on this machine.
            throw new SignInException("The dev identity provider redirected to " + withoutQuery(redirect)
                    + ", not to a loopback address: refusing to deliver the sign-in there.");
        }
        return http.send(HttpRequest.newBuilder(redirect).timeout(CALL_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String withoutQuery(URI uri) {
        String text = uri.toString();
        int query = text.indexOf('?');
        return query < 0 ? text : text.substring(0, query);
    }

    private static String json(Map<String, Object> value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
