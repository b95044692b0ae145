package dev.fileanalysis.client.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Desktop sign-in against the real dev OIDC provider (mock-oauth2-server in the devstack process), over real HTTP. */
class OidcSignInIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path data;
    static DevProvider devstack;
    static IdentityProvider provider;

    private final OidcSignIn signIn = new OidcSignIn(HTTP, Duration.ofSeconds(30));

    @BeforeAll
    static void startProvider() throws Exception {
        devstack = DevProvider.start(data);
        provider = devstack.provider();
    }

    @AfterAll
    static void stopProvider() throws Exception {
        if (devstack != null) {
            devstack.close();
        }
    }

    @Test
    void signingInAsADevUserReturnsTheirIdTokenBoundToThisSignInsNonce() throws Exception {
        AtomicReference<URI> sentTo = new AtomicReference<>();
        DevProviderBrowser alice = new DevProviderBrowser("alice.smith");

        IdTokenGrant grant = signIn.signIn(provider, url -> {
            sentTo.set(url);
            alice.open(url);
        });

        JWTClaimsSet claims = SignedJWT.parse(grant.idToken()).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("alice.smith");
        assertThat(claims.getStringClaim("email")).isEqualTo("alice.smith@pipeline.test");
        assertThat(claims.getBooleanClaim("email_verified")).isTrue();
        assertThat(claims.getStringClaim("name")).isEqualTo("Alice Smith");
        assertThat(claims.getStringClaim("nonce")).isEqualTo(grant.nonce()).isNotBlank();
        assertThat(claims.getIssuer()).isEqualTo(devstack.issuer());
        assertThat(claims.getAudience()).containsExactly("pipeline-desktop");
        assertThat(grant.providerId()).isEqualTo("dev");

        Map<String, String> request = query(sentTo.get());
        assertThat(request).containsEntry("response_type", "code").containsEntry("client_id", "pipeline-desktop")
                .containsEntry("scope", "openid email profile").containsEntry("code_challenge_method", "S256")
                .containsEntry("nonce", grant.nonce()).containsKeys("state", "code_challenge");
        URI redirect = URI.create(request.get("redirect_uri"));
        assertThat(redirect.getHost()).isEqualTo("127.0.0.1");
        assertThat(redirect.getPath()).isEqualTo("/callback");
        assertListenerClosed(redirect.getPort());
    }

    @Test
    void twoSignInsGetDifferentNoncesStatesAndChallenges() throws Exception {
        AtomicReference<URI> first = new AtomicReference<>();
        AtomicReference<URI> second = new AtomicReference<>();
        DevProviderBrowser bob = new DevProviderBrowser("bob");
        IdTokenGrant one = signIn.signIn(provider, url -> { first.set(url); bob.open(url); });
        IdTokenGrant two = signIn.signIn(provider, url -> { second.set(url); bob.open(url); });

        assertThat(one.nonce()).isNotEqualTo(two.nonce());
        assertThat(query(first.get()).get("state")).isNotEqualTo(query(second.get()).get("state"));
        assertThat(query(first.get()).get("code_challenge")).isNotEqualTo(query(second.get()).get("code_challenge"));
        assertThat(SignedJWT.parse(two.idToken()).getJWTClaimsSet().getSubject()).isEqualTo("bob");
    }

    @Test
    void theProviderRefusesTheCodeWithAnotherVerifier() throws Exception {
        String state = RandomToken.next();
        String code;
        AuthorizationRequest request;
        try (LoopbackRedirect redirect = LoopbackRedirect.listen(state)) {
            request = AuthorizationRequest.create(provider, redirect.redirectUri(), state);
            HttpResponse<String> page = new DevProviderBrowser("carol").signInAndReturn(request.uri());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("You can close this tab");
            code = redirect.awaitCode(Duration.ofSeconds(10));
        }

        assertThatThrownBy(() -> signIn.exchangeCode(request, code, Pkce.generate().verifier()))
                .isInstanceOf(SignInException.class)
                .hasMessageContaining("refused to exchange the authorization code")
                .hasMessageContaining("invalid_grant");
    }

    @Test
    void aRedirectCarryingAnotherStateIsRefused() throws Exception {
        AtomicReference<HttpResponse<String>> page = new AtomicReference<>();
        AtomicReference<URI> sentTo = new AtomicReference<>();
        DevProviderBrowser dave = new DevProviderBrowser("dave");
        // A page that sends the browser through a sign-in of its own making: the state is not ours.
        Browser forging = url -> {
            sentTo.set(url);
            page.set(dave.signInAndReturn(URI.create(url.toString().replaceFirst("state=[^&]+", "state=forged"))));
        };

        assertThatThrownBy(() -> signIn.signIn(provider, forging))
                .isInstanceOf(SignInException.class)
                .hasMessageContaining("different state")
                .hasMessageContaining("refused");
        assertThat(page.get().statusCode()).isEqualTo(400);
        assertThat(page.get().body()).contains("Sign-in refused").contains("state mismatch");
        assertListenerClosed(URI.create(query(sentTo.get()).get("redirect_uri")).getPort());
    }

    @Test
    void aProviderThatDeniesAccessEndsTheSignInWithItsReason() throws Exception {
        AtomicReference<HttpResponse<String>> page = new AtomicReference<>();
        // What the provider does when the person presses "Cancel": back to the redirect with an error.
        Browser cancelling = url -> {
            Map<String, String> request = query(url);
            URI back = URI.create(request.get("redirect_uri") + "?error=access_denied&error_description="
                    + "The%20user%20%3Cb%3Ecancelled%3C%2Fb%3E&state=" + request.get("state"));
            page.set(HTTP.send(HttpRequest.newBuilder(back).build(), HttpResponse.BodyHandlers.ofString()));
        };

        assertThatThrownBy(() -> signIn.signIn(provider, cancelling))
                .isInstanceOf(SignInException.class)
                .hasMessageContaining("did not sign you in: access_denied (The user <b>cancelled</b>)")
                .hasMessageContaining("run ./pipeline login to try again");
        assertThat(page.get().statusCode()).isEqualTo(400);
        assertThat(page.get().body()).contains("access_denied").contains("&lt;b&gt;cancelled").doesNotContain("<b>cancelled");
    }

    @Test
    void nobodyComingBackEndsTheSignInAfterTheTimeoutAndFreesThePort() throws Exception {
        AtomicReference<URI> sentTo = new AtomicReference<>();
        OidcSignIn impatient = new OidcSignIn(HTTP, Duration.ofSeconds(1));

        assertThatThrownBy(() -> impatient.signIn(provider, sentTo::set))
                .isInstanceOf(SignInException.class)
                .hasMessageContaining("No answer from the browser within 1 s");
        assertListenerClosed(URI.create(query(sentTo.get()).get("redirect_uri")).getPort());
    }

    @Test
    void theRedirectAnswersOnceOnly() throws Exception {
        String state = RandomToken.next();
        try (LoopbackRedirect redirect = LoopbackRedirect.listen(state)) {
            URI good = URI.create(redirect.redirectUri() + "?code=first&state=" + state);
            URI again = URI.create(redirect.redirectUri() + "?code=second&state=" + state);
            assertThat(HTTP.send(HttpRequest.newBuilder(good).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            HttpResponse<String> replay = HTTP.send(HttpRequest.newBuilder(again).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(replay.statusCode()).isEqualTo(409);
            assertThat(redirect.awaitCode(Duration.ofSeconds(5))).isEqualTo("first");
        }
    }

    private static void assertListenerClosed(int port) {
        assertThat(port).isPositive();
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }).as("the loopback listener on port %d is closed", port).isInstanceOf(ConnectException.class);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            values.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return values;
    }

}
