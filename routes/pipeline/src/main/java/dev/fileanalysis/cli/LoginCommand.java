package dev.fileanalysis.cli;

import java.util.Optional;
import java.util.concurrent.Callable;

import dev.fileanalysis.crypto.ClientKeyFile;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.client.signin.SignInClient;
import dev.fileanalysis.client.signin.Browser;
import dev.fileanalysis.client.signin.DevProviderBrowser;
import dev.fileanalysis.client.signin.OidcSignIn;
import dev.fileanalysis.client.signin.ServerSession;
import dev.fileanalysis.client.signin.SessionGrant;
import dev.fileanalysis.client.signin.SignIn;
import dev.fileanalysis.client.signin.StoredSession;
import dev.fileanalysis.client.signin.SystemBrowser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Signs this device in: a browser to the identity provider, then the server's session stored in DATA/session.json. */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Signs this device in with your organisation's identity provider (in your browser).",
                "On the embedded default, --user NAME signs in at the dev provider as NAME@pipeline.test without a browser."})
public final class LoginCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientCommandOptions client;

    @Option(names = "--user", paramLabel = "NAME", description = "Dev provider only: sign in as this user (no browser).")
    String user;

    @Option(names = "--provider", paramLabel = "ID", description = "Identity provider to use, as the server lists it (default: the only one, or 'dev' with --user).")
    String provider;

    @Override
    public Integer call() {
        return CommandOutcome.run(spec, out -> {
            String providerId = provider;
            Browser browser;
            if (user != null) {
                if (providerId != null && !providerId.equals("dev")) {
                    throw new IllegalArgumentException("--user works with the dev provider only (it fills in the dev provider's form); "
                            + "to sign in at '" + providerId + "', leave out --user and use the browser.");
                }
                providerId = "dev";
                browser = new DevProviderBrowser(user);
            } else {
                browser = new SystemBrowser(out);
            }
            ClientKeyPair device = ClientKeyFile.loadOrCreate(client.keyFile());
            Optional<StoredSession> previous = client.sessionFile().read();
            ServerSession session = new SignIn(client.http(), client.sessionFile(), OidcSignIn.DEFAULT_TIMEOUT, client.clientSecrets())
                    .signIn(client.serverUrl(), providerId, browser, device);
            StoredSession now = session.stored();
            if (previous.isPresent() && !previous.get().refreshToken().equals(now.refreshToken())) {
                try {
                    // The session this one replaces should not stay valid at the server.
                    new SignInClient(client.http(), client.serverUrl()).logout(previous.get().refreshToken());
                } catch (java.io.IOException ignored) {
                    // Best effort: it expires on its own.
                }
            }
            out.println("Signed in as " + describe(now.user()) + (now.organisation() == null ? "" : ", in " + describe(now.organisation())));
            out.println("Session saved to " + client.sessionFile().path());
        });
    }

    static String describe(SessionGrant.User user) {
        if (user == null) {
            return "(unknown user)";
        }
        return (user.name() == null || user.name().isBlank() ? "" : user.name() + " ") + "<" + user.email() + ">";
    }

    static String describe(SessionGrant.Organisation organisation) {
        return organisation.name() + " (" + organisation.id() + ")" + (organisation.role() == null ? "" : " as " + organisation.role());
    }
}
