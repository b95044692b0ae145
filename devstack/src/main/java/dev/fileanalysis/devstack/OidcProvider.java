package dev.fileanalysis.devstack;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * The dev identity provider: mock-oauth2-server with one issuer, {@value #ISSUER_ID}. A
 * client_credentials request with any client id and secret gets a signed JWT access token with
 * {@code sub} = the client id, {@code aud} = the configured audience and {@code exp} one hour
 * ahead, so the server's real validation path (JWKS, iss, aud, exp) runs locally.
 *
 * <p>People sign in as they would at Google or Microsoft: the authorization code flow with PKCE.
 * Interactive login is on, so the authorization endpoint shows a form (any user name, optional
 * claims JSON such as {@code {"email": "..."}}) and the ID token carries {@code sub} = that name,
 * those claims, the request's nonce and {@code aud} = the client id.
 *
 * <p>mock-oauth2-server derives {@code iss} from the URL the token was requested at: clients must
 * use the token URL exactly as written to devstack.properties (127.0.0.1, not localhost).
 */
public final class OidcProvider implements AutoCloseable {
  public static final String ISSUER_ID = "pipeline";
  static final long TOKEN_LIFETIME_SECONDS = 3600;
  // MockWebServer logs every request through java.util.logging at INFO; the logger is held here
  // because JUL keeps only weak references to configured loggers.
  private static final Logger MOCK_WEB_SERVER_LOG = Logger.getLogger("okhttp3.mockwebserver.MockWebServer");

  private final MockOAuth2Server server;
  private final String baseUrl;

  private OidcProvider(MockOAuth2Server server, String baseUrl) {
    this.server = server;
    this.baseUrl = baseUrl;
  }

  public static OidcProvider start(String host, int port, String audience) {
    MOCK_WEB_SERVER_LOG.setLevel(Level.WARNING);
    // The subject given here is only a fallback: client_credentials tokens get the client id as
    // sub, and a person signing in through the login form gets the name they typed.
    DefaultOAuth2TokenCallback tokens = new DefaultOAuth2TokenCallback(
        ISSUER_ID, "devstack-user", "JWT", List.of(audience), Map.of(), TOKEN_LIFETIME_SECONDS);
    // interactiveLogin = true: without it the authorization endpoint signs everyone in at once as
    // the callback's fixed subject, and one desktop could not sign in as different people.
    OAuth2Config config = new OAuth2Config(true, null, null, false, new OAuth2TokenProvider(), Set.of(tokens));
    MockOAuth2Server server = new MockOAuth2Server(config);
    try {
      server.start(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new DevStackException("unknown host " + host, e);
    } catch (Exception e) { // Kotlin throws BindException undeclared
      throw new DevStackException("the OIDC provider failed to start on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    // Built from the bind address rather than server.url(), which would say "localhost".
    return new OidcProvider(server, "http://" + Endpoints.hostForUri(host) + ":" + server.baseUrl().port());
  }

  public int port() {
    return server.baseUrl().port();
  }

  public String issuer() {
    return baseUrl + "/" + ISSUER_ID;
  }

  /** Where a browser is sent to sign a person in (authorization code flow). */
  public String authorizationUrl() {
    return issuer() + "/authorize";
  }

  public String tokenUrl() {
    return issuer() + "/token";
  }

  public String jwksUrl() {
    return issuer() + "/jwks";
  }

  @Override
  public void close() {
    server.shutdown();
  }
}
