package dev.fileanalysis.server.auth;

import dev.fileanalysis.server.directory.VerifiedIdentity;
import dev.fileanalysis.server.refusal.RefusalException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The validator against the real dev provider (mock-oauth2-server in the devstack): an ID token
 * obtained through the authorization code flow, as the client will, passes; the same token with
 * another sign-in's nonce does not.
 */
class DevOidcProviderIT {

    private static final String CLIENT_ID = "pipeline-desktop";
    private static final String REDIRECT_URI = "http://127.0.0.1:9/signed-in";
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @TempDir
    static Path data;

    private static Process devstack;
    private static String issuer;

    @BeforeAll
    static void startDevstack() throws Exception {
        Path home = Path.of(System.getProperty("pipeline.home", "."));
        Path jar = home.resolve("devstack/target/devstack.jar");
        assertThat(jar).as("devstack.jar (built by mvn package)").isRegularFile();
        devstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-jar", jar.toString(), "--data", data.toString(), "--in-memory", "--exit-on-stdin-close")
                .directory(home.toFile())
                .redirectError(data.resolve("devstack.err").toFile())
                .start();
        CompletableFuture<String> oidcIssuer = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(devstack.getInputStream(), StandardCharsets.UTF_8))) {
                String found = null;
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("oidc ")) {
                        found = line.substring(5).trim();
                    } else if (line.equals("devstack ready")) {
                        oidcIssuer.complete(found);
                    }
                }
                oidcIssuer.completeExceptionally(new IllegalStateException("devstack exited before it was ready: "
                        + Files.readString(data.resolve("devstack.err"))));
            } catch (IOException e) {
                oidcIssuer.completeExceptionally(e);
            }
        }, "devstack-stdout");
        reader.setDaemon(true);
        reader.start();
        issuer = oidcIssuer.get(90, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopDevstack() throws InterruptedException {
        if (devstack != null) {
            devstack.destroy();
            if (!devstack.waitFor(20, TimeUnit.SECONDS)) {
                devstack.destroyForcibly();
            }
        }
    }

    @Test
    void anIdTokenFromTheDevProviderIsAcceptedForItsOwnSignInOnly() throws Exception {
        IdTokenValidator validator = new IdTokenValidator(List.of(new TrustedIssuer("dev", issuer, issuer + "/jwks",
                CLIENT_ID, Set.of(), Set.of(), issuer + "/authorize", issuer + "/token")), Clock.systemUTC());

        String nonce = "nonce-" + System.nanoTime();
        String idToken = signIn(nonce);

        VerifiedIdentity identity = validator.validate("dev", idToken, nonce);
        assertThat(identity.provider()).isEqualTo("dev");
        assertThat(identity.issuer()).isEqualTo(issuer);
        assertThat(identity.subject()).isNotBlank();
        assertThatThrownBy(() -> validator.validate("dev", idToken, "nonce-of-another-sign-in"))
                .isInstanceOf(RefusalException.class)
                .hasMessageContaining("nonce that does not belong to this sign-in");
    }

    /** The authorization code flow, the person's part done by posting the dev provider's login form. */
    private static String signIn(String nonce) throws Exception {
        String authorize = issuer + "/authorize?" + form(Map.of("client_id", CLIENT_ID, "response_type", "code",
                "scope", "openid email profile", "redirect_uri", REDIRECT_URI, "state", "state-1", "nonce", nonce));
        HttpResponse<String> redirect = HTTP.send(HttpRequest.newBuilder(URI.create(authorize))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", "ada", "claims", "{}"))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(redirect.statusCode()).as("authorize response %s", redirect.body()).isEqualTo(302);
        String location = redirect.headers().firstValue("Location").orElseThrow();
        String code = URI.create(location).getQuery().replaceAll("(^|.*&)code=([^&]*).*", "$2");

        HttpResponse<String> tokens = HTTP.send(HttpRequest.newBuilder(URI.create(issuer + "/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "authorization_code",
                                "code", code, "redirect_uri", REDIRECT_URI, "client_id", CLIENT_ID, "client_secret", "dev"))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tokens.statusCode()).as("token response %s", tokens.body()).isEqualTo(200);
        return new ObjectMapper().readTree(tokens.body()).get("id_token").asText();
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
