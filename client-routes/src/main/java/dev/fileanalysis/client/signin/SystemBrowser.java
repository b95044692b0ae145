package dev.fileanalysis.client.signin;

import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;

/**
 * The person's own browser: opened through the desktop when there is one, otherwise the address
 * is printed for them to open (on this machine: the redirect goes to this machine's loopback).
 */
public final class SystemBrowser implements Browser {

    private final PrintWriter terminal;

    public SystemBrowser(PrintWriter terminal) {
        this.terminal = terminal;
    }

    @Override
    public void open(URI authorizationUrl) {
        if (canBrowse()) {
            try {
                Desktop.getDesktop().browse(authorizationUrl);
                terminal.println("Your browser was opened to sign in. If it did not open, open this address on this computer:");
                terminal.println("  " + authorizationUrl);
                terminal.flush();
                return;
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                terminal.println("Could not open a browser (" + e.getMessage() + ").");
            }
        }
        terminal.println("Open this address in a browser on this computer to sign in:");
        terminal.println("  " + authorizationUrl);
        terminal.println("Waiting for the sign-in to complete…");
        terminal.flush();
    }

    private static boolean canBrowse() {
        try {
            return !GraphicsEnvironment.isHeadless() && Desktop.isDesktopSupported()
                    && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE);
        } catch (RuntimeException | LinkageError noDesktop) {
            return false;
        }
    }
}
