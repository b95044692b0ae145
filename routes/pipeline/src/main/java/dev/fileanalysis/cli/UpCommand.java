package dev.fileanalysis.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts the whole system on one machine, each role as its own OS process on loopback: the
 * devstack (S3, DynamoDB, OIDC), the engine, the server, the processors and the client watching
 * {@code DATA/drop}. Prints where everything is, then {@code ready}; Ctrl-C stops it all.
 */
@Command(name = "up", mixinStandardHelpOptions = true, description = "Starts everything on this machine (embedded emulators, server, processors, engine, client).")
public final class UpCommand implements Callable<Integer> {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    @Option(names = "--data", description = "Data folder (default: ${DEFAULT-VALUE}).", defaultValue = "data")
    Path data;

    @Option(names = "--processors", description = "Processor processes to run (default: ${DEFAULT-VALUE}).", defaultValue = "2")
    int processors;

    @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE",
            description = "Setting passed to every role (e.g. client.chunk-bytes=1048576); repeatable.")
    List<String> properties = new ArrayList<>();

    private final List<SupervisedProcess> started = Collections.synchronizedList(new ArrayList<>());

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path home = Path.of(System.getProperty("pipeline.home", ".")).toAbsolutePath().normalize();
        Path dataFolder = data.toAbsolutePath().normalize();
        Files.createDirectories(dataFolder.resolve("logs"));
        try (FileChannel lockFile = FileChannel.open(dataFolder.resolve("pipeline.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock()) {
            // An OS lock: it goes away with this process however it ends, so it is never stale.
            if (lock == null) {
                System.err.println("Another './pipeline up' is already running with data folder " + dataFolder + ".");
                return 1;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                out.println("stopping…");
                stopAll();
                out.println("stopped");
                stopped.countDown();
            }, "pipeline-up-stop"));
            try {
                startAll(home, dataFolder, out);
            } catch (IOException e) {
                System.err.println("Could not start: " + e.getMessage());
                return 1;
            }
            Thread.currentThread().join();
            return 0;
        }
    }

    private void startAll(Path home, Path dataFolder, PrintStream out) throws IOException, InterruptedException {
        Path logs = dataFolder.resolve("logs");
        int s3Port = Processes.freePort();
        int dynamoPort = Processes.freePort();
        int oidcPort = Processes.freePort();
        int enginePort = Processes.freePort();
        int serverPort = Processes.freePort();

        List<String> devstack = new ArrayList<>(DevstackCommand.devstackCommand(home));
        // --exit-on-stdin-close: the devstack's stdin is a pipe from this process, so even if this
        // process is killed outright the emulators (and dynalite) go with it.
        devstack.addAll(List.of("--exit-on-stdin-close", "--data", dataFolder.toString(), "--s3-port", Integer.toString(s3Port),
                "--dynamodb-port", Integer.toString(dynamoPort), "--oidc-port", Integer.toString(oidcPort)));
        SupervisedProcess emulators = launch("devstack", devstack, home, logs, out);
        emulators.awaitLine("devstack ready", START_TIMEOUT);
        Properties endpoints = new Properties();
        try (InputStream in = Files.newInputStream(dataFolder.resolve("devstack.properties"))) {
            endpoints.load(in);
        }
        out.println("s3         " + endpoints.getProperty("s3.endpoint"));
        out.println("dynamodb   " + endpoints.getProperty("dynamodb.endpoint"));
        out.println("oidc       " + endpoints.getProperty("oidc.issuer"));

        SupervisedProcess engine = launch("engine", role(home, "engine", List.of(
                "--property", "engine.port=" + enginePort)), home, logs, out);
        String engineUrl = "http://127.0.0.1:" + enginePort;
        engine.awaitLine("engine http://", START_TIMEOUT);
        out.println("engine     " + engineUrl);

        String serverUrl = "http://127.0.0.1:" + serverPort;
        SupervisedProcess server = launch("server", role(home, "server", withData(dataFolder,
                "camel.server.port=" + serverPort)), home, logs, out);
        awaitHealthy(server, URI.create(serverUrl + "/health"));
        out.println("server     " + serverUrl);

        for (int i = 1; i <= processors; i++) {
            SupervisedProcess processor = launch("processor-" + i, role(home, "processor", withData(dataFolder,
                    "processor.server-url=" + serverUrl, "processor.engine-url=" + engineUrl + "/analyze")), home, logs, out);
            processor.awaitLine("processor started", START_TIMEOUT);
            out.println("processor-" + i + " outbound only (no listening port), log " + processor.log());
        }

        // The CLI (login, org, member) finds the server of this run here: its port is new every run.
        RunningServer.write(dataFolder, serverUrl);
        // No one is at a browser here: the client signs in by itself as the dev provider's user "dev"
        // (unless someone already signed this data folder in with ./pipeline login).
        SupervisedProcess client = launch("client", role(home, "client", withData(dataFolder,
                "client.server-url=" + serverUrl, "client.dev-user=dev")), home, logs, out);
        client.awaitLine("client started", START_TIMEOUT);
        out.println("client     watching " + dataFolder.resolve("drop") + ", results in " + dataFolder.resolve("results"));
        out.println("logs       " + logs);
        out.println("ready: drop files into " + dataFolder.resolve("drop") + " (Ctrl-C stops everything)");
    }

    private List<String> withData(Path dataFolder, String... settings) {
        List<String> arguments = new ArrayList<>(List.of("--data", dataFolder.toString()));
        for (String setting : settings) {
            arguments.add("--property");
            arguments.add(setting);
        }
        for (String setting : properties) {
            arguments.add("--property");
            arguments.add(setting);
        }
        return arguments;
    }

    /** The role's own jar ({@link RoleProcess}), stopping itself if this process dies. */
    private static List<String> role(Path home, String role, List<String> arguments) {
        return RoleProcess.command(home, role, List.of("-Xmx" + ("engine".equals(role) ? "64m" : "256m"), "-XX:+UseSerialGC",
                "-Dpipeline.parent-pid=" + ProcessHandle.current().pid()), arguments);
    }

    private SupervisedProcess launch(String name, List<String> command, Path home, Path logs, PrintStream out)
            throws IOException {
        SupervisedProcess process = new SupervisedProcess(name, command, home, logs.resolve(name + ".log"), out);
        process.start();
        started.add(process);
        return process;
    }

    private static void awaitHealthy(SupervisedProcess process, URI health) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            process.checkAlive();
            Thread.sleep(200);
        }
        throw new IOException(process.name() + " did not become healthy within " + START_TIMEOUT.toSeconds() + " s:\n" + process.tail());
    }

    /**
     * Stops the roles in the reverse order of their dependencies: the client (so it never retries
     * against a server that is already gone), then the processors together, the server, the engine
     * and last the emulators everything was using.
     */
    private void stopAll() {
        List<SupervisedProcess> roles = new ArrayList<>(started);
        Collections.reverse(roles);
        List<List<SupervisedProcess>> stages = new ArrayList<>();
        for (SupervisedProcess role : roles) {
            boolean sameStage = !stages.isEmpty() && stage(stages.get(stages.size() - 1).get(0)).equals(stage(role));
            if (sameStage) {
                stages.get(stages.size() - 1).add(role);
            } else {
                stages.add(new ArrayList<>(List.of(role)));
            }
        }
        for (List<SupervisedProcess> stage : stages) {
            List<Thread> stopping = new ArrayList<>();
            for (SupervisedProcess role : stage) {
                Thread thread = new Thread(role::stop, "stop-" + role.name());
                thread.start();
                stopping.add(thread);
            }
            for (Thread thread : stopping) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** processor-1 and processor-2 stop together; every other role on its own. */
    private static String stage(SupervisedProcess role) {
        return role.name().replaceFirst("-\\d+$", "");
    }
}
