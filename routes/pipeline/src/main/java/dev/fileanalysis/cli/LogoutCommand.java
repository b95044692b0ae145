package dev.fileanalysis.cli;

import java.util.concurrent.Callable;

import dev.fileanalysis.client.signin.ServerSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Ends this device's session at the server and deletes DATA/session.json. */
@Command(name = "logout", mixinStandardHelpOptions = true, description = "Signs this device out (at the server too) and deletes its stored session.")
public final class LogoutCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientCommandOptions client;

    @Override
    public Integer call() {
        return CommandOutcome.run(spec, out -> {
            if (!client.sessionFile().exists()) {
                out.println("Not signed in on this device (no " + client.sessionFile().path() + ").");
                return;
            }
            ServerSession session = client.session();
            try {
                session.signOut();
            } catch (java.io.IOException e) {
                throw new java.io.IOException("Signed out on this device (session file deleted), but the server could not be told: "
                        + e.getMessage() + ". The session ends there when it expires.", e);
            }
            out.println("Signed out " + LoginCommand.describe(session.stored().user()) + "; session file deleted.");
        });
    }
}
