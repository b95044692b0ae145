package dev.fileanalysis.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How the benchmark puts a link of a given speed between the client and storage. The honest one
 * ({@link NetworkNamespace}): the client in its own network namespace, joined to the system's by a
 * veth pair whose client end is shaped with {@code tc qdisc ... tbf}, as a slow uplink would. When
 * that cannot be set up (not root, no {@code ip}/{@code tc}, no namespaces), the fallback is the
 * client's own {@code client.bandwidth-limit} ({@link ClientBandwidthLimit}); the report names the
 * model used and, for the fallback, why.
 */
interface LinkModel extends AutoCloseable {

    /** What the report says about the model. */
    String describe();

    /** Put before the client's {@code java} command, e.g. {@code ip netns exec NAME}. */
    List<String> commandPrefix();

    /** Settings the client needs to run behind the link at {@code bitsPerSecond}. */
    List<String> clientSettings(long bitsPerSecond);

    /** Sets the link's speed for what is sent from now on. */
    void rate(long bitsPerSecond) throws IOException;

    /** Whether a running client keeps its link when the rate changes (false: it must be restarted). */
    boolean rateChangesLive();

    @Override
    void close();

    /** The namespace model if this machine allows it, else the client's bandwidth limit with the reason. */
    static LinkModel open(List<URI> systemAddresses, String classPath) {
        try {
            return NetworkNamespace.create(systemAddresses, classPath);
        } catch (IOException | RuntimeException e) {
            return new ClientBandwidthLimit("a network namespace with a tbf-shaped veth could not be set up here ("
                    + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ClientBandwidthLimit("interrupted while setting up the network namespace");
        }
    }

    /** tbf's bucket: at least 64 KiB, and a fiftieth of a second's bytes so that fast rates are not starved by the timer. */
    static String tbf(long bitsPerSecond) {
        long burstBytes = Math.max(64 * 1024, bitsPerSecond / 8 / 50);
        return String.format(Locale.ROOT, "tbf rate %dbit burst %d latency 50ms", bitsPerSecond, burstBytes);
    }

    /** The client's own token bucket (dev.fileanalysis.client.transfer.RateLimiter) on its uploads. */
    final class ClientBandwidthLimit implements LinkModel {
        private final String why;

        ClientBandwidthLimit(String why) {
            this.why = why;
        }

        @Override
        public String describe() {
            return "client bandwidth limit (client.bandwidth-limit, the client's own token bucket on its chunk uploads; "
                    + "server calls and downloads are not limited) — fallback, because " + why;
        }

        @Override
        public List<String> commandPrefix() {
            return List.of();
        }

        @Override
        public List<String> clientSettings(long bitsPerSecond) {
            return List.of("client.bandwidth-limit=" + bitsPerSecond + "bit");
        }

        @Override
        public void rate(long bitsPerSecond) {
            // carried by clientSettings: the client is restarted for each rate
        }

        @Override
        public boolean rateChangesLive() {
            return false;
        }

        @Override
        public void close() {
        }
    }

    /**
     * The client in namespace {@code fapbench-PID}, joined by a veth pair to the namespace the system
     * runs in (this process's). The system listens on 127.0.0.1 only, so a relay inside the client's
     * namespace takes the system's loopback ports and sends them over the veth to a relay here,
     * which hands them to 127.0.0.1: everything the client sends crosses the shaped veth end.
     */
    final class NetworkNamespace implements LinkModel {
        private static final String PREFIX = "fapbench-";

        private final String namespace;
        private final String clientEnd;
        private final Process namespaceRelay;
        private final LinkRelay systemRelay;
        private long rate;

        private NetworkNamespace(String namespace, String clientEnd, Process namespaceRelay, LinkRelay systemRelay) {
            this.namespace = namespace;
            this.clientEnd = clientEnd;
            this.namespaceRelay = namespaceRelay;
            this.systemRelay = systemRelay;
        }

        static NetworkNamespace create(List<URI> systemAddresses, String classPath) throws IOException, InterruptedException {
            removeLeftovers();
            long pid = ProcessHandle.current().pid();
            String namespace = PREFIX + pid;
            // interface names have at most 15 characters
            String systemEnd = "fapS" + (pid % 100_000_000);
            String clientEnd = "fapC" + (pid % 100_000_000);
            String subnet = "10.213." + (pid % 200 + 20) + ".";
            String systemIp = subnet + "1";
            String clientIp = subnet + "2";
            run("ip", "netns", "add", namespace);
            try {
                run("ip", "link", "add", systemEnd, "type", "veth", "peer", "name", clientEnd);
                run("ip", "link", "set", clientEnd, "netns", namespace);
                run("ip", "addr", "add", systemIp + "/30", "dev", systemEnd);
                run("ip", "link", "set", systemEnd, "up");
                run("ip", "-n", namespace, "addr", "add", clientIp + "/30", "dev", clientEnd);
                run("ip", "-n", namespace, "link", "set", clientEnd, "up");
                run("ip", "-n", namespace, "link", "set", "lo", "up");
                // proves tc tbf is there before anything relies on it
                run("ip", "netns", "exec", namespace, "tc", "qdisc", "add", "dev", clientEnd, "root",
                        "tbf", "rate", "100mbit", "burst", "65536", "latency", "50ms");
                List<LinkRelay.Route> here = new ArrayList<>();
                List<String> there = new ArrayList<>();
                for (URI address : systemAddresses) {
                    here.add(new LinkRelay.Route(systemIp, address.getPort(), "127.0.0.1", address.getPort()));
                    there.add(new LinkRelay.Route("127.0.0.1", address.getPort(), systemIp, address.getPort()).toString());
                }
                LinkRelay systemRelay = LinkRelay.start(here);
                List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
                        ProcessHandle.current().info().command().orElse("java"), "-Xmx64m", "-XX:+UseSerialGC",
                        "-cp", classPath, LinkRelay.class.getName()));
                command.addAll(there);
                Process relay = new ProcessBuilder(command).redirectErrorStream(true).start();
                String ready = new String(relay.getInputStream().readNBytes("relay ready".length()), StandardCharsets.UTF_8);
                if (!ready.equals("relay ready")) {
                    relay.destroyForcibly();
                    systemRelay.close();
                    throw new IOException("the relay in the client's namespace did not start: " + ready);
                }
                relay.getInputStream().close();
                return new NetworkNamespace(namespace, clientEnd, relay, systemRelay);
            } catch (IOException | RuntimeException | InterruptedException e) {
                runQuietly("ip", "netns", "del", namespace);
                runQuietly("ip", "link", "del", systemEnd);
                throw e;
            }
        }

        @Override
        public String describe() {
            return "network namespace: the client in its own namespace, joined by a veth pair shaped with "
                    + "`tc qdisc replace dev <veth> root tbf rate <R>bit` on the client's egress (its uploads and calls); "
                    + "storage, server and processors on this machine's loopback";
        }

        @Override
        public List<String> commandPrefix() {
            return List.of("ip", "netns", "exec", namespace);
        }

        @Override
        public List<String> clientSettings(long bitsPerSecond) {
            return List.of();
        }

        @Override
        public void rate(long bitsPerSecond) throws IOException {
            if (bitsPerSecond == rate) {
                return;
            }
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "tc", "qdisc", "replace",
                    "dev", clientEnd, "root"));
            command.addAll(List.of(tbf(bitsPerSecond).split(" ")));
            try {
                run(command.toArray(String[]::new));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while shaping the link", e);
            }
            rate = bitsPerSecond;
        }

        @Override
        public boolean rateChangesLive() {
            return true;
        }

        @Override
        public void close() {
            namespaceRelay.destroyForcibly();
            systemRelay.close();
            // deleting the namespace deletes its veth end, and with it the pair
            runQuietly("ip", "netns", "del", namespace);
        }

        /** Namespaces of benchmarks that were killed before they could clean up. */
        private static void removeLeftovers() throws IOException, InterruptedException {
            String listed = run("ip", "netns", "list");
            for (String line : listed.split("\n")) {
                String name = line.trim().split("\\s+")[0];
                if (name.startsWith(PREFIX)) {
                    long owner;
                    try {
                        owner = Long.parseLong(name.substring(PREFIX.length()));
                    } catch (NumberFormatException notOurs) {
                        continue;
                    }
                    if (ProcessHandle.of(owner).isEmpty()) {
                        runQuietly("ip", "netns", "del", name);
                    }
                }
            }
        }

        private static String run(String... command) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output.trim());
            }
            return output;
        }

        private static void runQuietly(String... command) {
            try {
                run(command);
            } catch (IOException | InterruptedException ignored) {
                // cleaning up: nothing more to do
            }
        }
    }
}
