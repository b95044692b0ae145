package dev.fileanalysis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;

import dev.fileanalysis.apiclient.ServerCallException;
import picocli.CommandLine.Model.CommandSpec;

/** Runs a session command: short lines on stdout; on failure the reason in one sentence on stderr and exit code 1. */
final class CommandOutcome {

    static final int OK = 0;
    static final int FAILED = 1;

    @FunctionalInterface
    interface Action {
        void run(PrintWriter out) throws IOException, InterruptedException;
    }

    private CommandOutcome() {
    }

    static int run(CommandSpec spec, Action action) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            action.run(out);
            return OK;
        } catch (ServerCallException e) {
            // The server's own sentence says what was wrong; the method and path are for logs.
            err.println(e.sentence());
        } catch (ConnectException e) {
            err.println(e.getMessage() != null && e.getMessage().startsWith("Cannot reach") ? e.getMessage()
                    : "Cannot reach the server: is it running? (./pipeline up, or set client.server-url)");
        } catch (HttpTimeoutException e) {
            err.println("The server did not answer in time: " + e.getMessage());
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            err.println(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("Interrupted.");
        } finally {
            out.flush();
            err.flush();
        }
        return FAILED;
    }
}
