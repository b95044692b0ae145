package dev.fileanalysis.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Small facts about launching this product's own processes. */
public final class Processes {

    private Processes() {
    }

    /** The java executable running this JVM, so children run on the same Java. */
    public static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** A loopback port that was free a moment ago. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }
}
