package dev.fileanalysis.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.fileanalysis.server.aws.AwsClients;
import dev.fileanalysis.runtime.Settings;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The real devstack (s3proxy, dynalite, the dev OIDC provider) as one child process for a test
 * class: {@code java -jar devstack/target/devstack.jar --data <temp> --in-memory}, on free ports.
 * It stops with {@link #close()}, and on its own if this JVM dies (it watches its stdin).
 *
 * <pre>
 * static DevStackFixture devstack;
 * &#64;BeforeAll static void start() throws Exception { devstack = DevStackFixture.start(); }
 * &#64;AfterAll static void stop() { devstack.close(); }
 * </pre>
 */
public final class DevStackFixture implements AutoCloseable {

    private static final long READY_SECONDS = 120;

    private final Process process;
    private final Path data;
    private final Settings settings;
    private final List<String> output;

    private DevStackFixture(Process process, Path data, Settings settings, List<String> output) {
        this.process = process;
        this.data = data;
        this.settings = settings;
        this.output = output;
    }

    public static DevStackFixture start() throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("pipeline.home", ".")).toAbsolutePath().normalize();
        Path jar = home.resolve("devstack/target/devstack.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The devstack is not built (" + jar + " missing): run mvn -B -DskipTests package first");
        }
        Path data = Files.createTempDirectory("devstack-");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx384m", "-XX:+UseSerialGC", "-jar", jar.toString(), "--data", data.toString(), "--in-memory",
                "--exit-on-stdin-close"));
        Process process = new ProcessBuilder(command).directory(home.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(data.resolve("devstack.log").toFile())).start();
        List<String> output = new CopyOnWriteArrayList<>();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    output.add(line);
                    if (line.equals("devstack ready")) {
                        ready.countDown();
                    }
                }
            } catch (IOException ended) {
                // the process is gone; the wait below reports it
            } finally {
                ready.countDown();
            }
        }, "devstack-output");
        reader.setDaemon(true);
        reader.start();
        if (!ready.await(READY_SECONDS, TimeUnit.SECONDS) || !output.contains("devstack ready")) {
            process.destroyForcibly();
            String log = Files.isRegularFile(data.resolve("devstack.log")) ? Files.readString(data.resolve("devstack.log")) : "";
            throw new IllegalStateException("The devstack did not get ready within " + READY_SECONDS + " s; it printed "
                    + output + " and logged:\n" + log);
        }
        Settings settings = Settings.load(null, data.resolve("devstack.properties"), java.util.Map.of(), List.of());
        return new DevStackFixture(process, data, settings, output);
    }

    /** The devstack's endpoints and credentials, as {@code DATA/devstack.properties} publishes them. */
    public Settings settings() {
        return settings;
    }

    /** A DynamoDB client for the devstack's dynalite, built as the server builds its own. */
    public DynamoDbClient dynamoDb() {
        return new AwsClients(settings).dynamoDb();
    }

    public String oidcIssuer() {
        return settings.require("oidc.issuer");
    }

    public Path data() {
        return data;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
