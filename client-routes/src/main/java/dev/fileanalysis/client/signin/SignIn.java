package dev.fileanalysis.client.signin;


import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import dev.fileanalysis.crypto.ClientKeyPair;

/**
 * Signing this device in, start to finish: ask the server which providers it trusts, sign the
 * person in at one of them in a browser, trade the ID token for the server's session (registering
 * this device's key), and store the session.
 */
public final class SignIn {

    private final HttpClient http;
    private final SessionFile sessionFile;
    private final Duration timeout;
    private final Map<String, String> clientSecrets;

    public SignIn(HttpClient http, SessionFile sessionFile) {
        this(http, sessionFile, OidcSignIn.DEFAULT_TIMEOUT, Map.of());
    }

    /** @param clientSecrets by provider id, for providers that expect a (non-confidential) desktop client secret */
    public SignIn(HttpClient http, SessionFile sessionFile, Duration timeout, Map<String, String> clientSecrets) {
        this.http = http;
        this.sessionFile = sessionFile;
        this.timeout = timeout;
        this.clientSecrets = Map.copyOf(clientSecrets);
    }

    /**
     * @param providerId which provider to sign in at; null to use the only one the server lists
     * @param device this device's key pair, registered to the person with a proof of holding it; may be null
     * @return the session, stored in the session file and ready to give access tokens
     */
    public ServerSession signIn(URI serverUrl, String providerId, Browser browser, ClientKeyPair device)
            throws IOException, InterruptedException {
        SignInClient auth = new SignInClient(http, serverUrl);
        IdentityProvider provider = choose(auth.providers(), providerId, serverUrl);
        String secret = clientSecrets.get(provider.id());
        if (secret != null && !secret.isEmpty()) {
            provider = provider.withClientSecret(secret);
        }
        IdTokenGrant idToken = new OidcSignIn(http, timeout).signIn(provider, browser);
        SessionGrant session = auth.createSession(idToken, device);
        return ServerSession.begin(auth, sessionFile, provider.id(), session);
    }

    static IdentityProvider choose(List<IdentityProvider> providers, String providerId, URI serverUrl) throws SignInException {
        if (providers.isEmpty()) {
            throw new SignInException("The server at " + serverUrl + " lists no identity providers to sign in with.");
        }
        String offered = providers.stream().map(IdentityProvider::id).collect(Collectors.joining(", "));
        if (providerId == null) {
            if (providers.size() == 1) {
                return providers.get(0);
            }
            throw new SignInException("The server offers several ways to sign in (" + offered + "): choose one with --provider.");
        }
        return providers.stream().filter(p -> p.id().equals(providerId)).findFirst().orElseThrow(() -> new SignInException(
                "The server at " + serverUrl + " does not offer sign-in with '" + providerId + "' (it offers: " + offered + ")."));
    }
}
