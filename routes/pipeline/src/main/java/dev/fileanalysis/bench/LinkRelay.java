package dev.fileanalysis.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forwards TCP connections byte for byte from one address to another. The system under test
 * listens on 127.0.0.1 and presigns URLs naming 127.0.0.1, which a client in another network
 * namespace cannot reach: a relay inside the client's namespace takes those loopback ports and
 * carries them over the veth (where tc shapes them) to a relay beside the system. Bytes are not
 * looked at, so the Host header, and with it every presigned signature, arrives unchanged.
 *
 * <p>Run as {@code LinkRelay LISTEN_HOST:PORT=TARGET_HOST:PORT ...} inside the client's namespace.
 */
public final class LinkRelay implements AutoCloseable {

    /** One forwarded address. */
    public record Route(String listenHost, int listenPort, String targetHost, int targetPort) {
        static Route parse(String text) {
            String[] sides = text.split("=");
            String[] from = sides[0].split(":");
            String[] to = sides[1].split(":");
            return new Route(from[0], Integer.parseInt(from[1]), to[0], Integer.parseInt(to[1]));
        }

        @Override
        public String toString() {
            return listenHost + ":" + listenPort + "=" + targetHost + ":" + targetPort;
        }
    }

    private final List<ServerSocket> listeners = new ArrayList<>();

    /** Starts listening on every route's address; connections are served on daemon threads. */
    public static LinkRelay start(List<Route> routes) throws IOException {
        LinkRelay relay = new LinkRelay();
        try {
            for (Route route : routes) {
                ServerSocket listener = new ServerSocket();
                listener.setReuseAddress(true);
                listener.bind(new InetSocketAddress(InetAddress.getByName(route.listenHost()), route.listenPort()), 128);
                relay.listeners.add(listener);
                daemon("relay-accept-" + route.listenPort(), () -> accept(listener, route));
            }
        } catch (IOException e) {
            relay.close();
            throw e;
        }
        return relay;
    }

    public static void main(String[] arguments) throws Exception {
        List<Route> routes = new ArrayList<>();
        for (String argument : arguments) {
            routes.add(Route.parse(argument));
        }
        start(routes);
        System.out.println("relay ready " + routes);
        Thread.currentThread().join();
    }

    private static void accept(ServerSocket listener, Route route) {
        while (!listener.isClosed()) {
            try {
                Socket inbound = listener.accept();
                Socket outbound = new Socket();
                try {
                    outbound.connect(new InetSocketAddress(route.targetHost(), route.targetPort()), 5_000);
                } catch (IOException unreachable) {
                    inbound.close();
                    outbound.close();
                    continue;
                }
                inbound.setTcpNoDelay(true);
                outbound.setTcpNoDelay(true);
                AtomicInteger open = new AtomicInteger(2);
                daemon("relay-up", () -> pump(inbound, outbound, open));
                daemon("relay-down", () -> pump(outbound, inbound, open));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /**
     * Copies one direction until its end, then passes the end on (half-close), so that HTTP
     * keep-alive and EOF both work; the sockets close once both directions ended.
     */
    private static void pump(Socket from, Socket to, AtomicInteger open) {
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
            to.shutdownOutput();
            if (open.decrementAndGet() == 0) {
                closeQuietly(from);
                closeQuietly(to);
            }
        } catch (IOException broken) {
            closeQuietly(to);
            closeQuietly(from);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    private static void daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        for (ServerSocket listener : listeners) {
            try {
                listener.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
