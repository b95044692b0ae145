package dev.fileanalysis.client;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.fileanalysis.crypto.ClientKeyPair;
import org.apache.camel.CamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's routes as the role runs them — loaded from {@code client-routes/*.camel.yaml} on
 * disk, as RoleRunner loads them — with the real beans over a device folder, talking to a
 * {@link FakePipelineServer} instead of the server and storage. Nothing starts until the test has
 * advised what it replaces and named the routes it runs ({@link #startOnly}); the rest stay stopped,
 * so one route's timer does not run into another's test.
 */
abstract class ClientRouteTestSupport extends CamelTestSupport {

    static final Path ROUTE_FOLDER = Path.of(System.getProperty("pipeline.home", "..")).resolve("client-routes");
    static final int CHUNK = 64 << 10;

    @TempDir
    Path temp;

    final FakePipelineServer server = new FakePipelineServer();
    final ClientKeyPair keys = ClientKeyPair.generate();
    private final ExecutorService resultWriters = Executors.newFixedThreadPool(2);
    Path drop;
    Device device;
    SentFiles sentFiles;

    /** The settings the test runs with, over the defaults written in the route files: quick polls. */
    Properties settings() {
        Properties settings = new Properties();
        settings.setProperty("client.drop-folder", drop.toString());
        settings.setProperty("client.poll-ms", "50");
        settings.setProperty("client.stable-ms", "100");
        settings.setProperty("client.unsendable-check-ms", "50");
        settings.setProperty("client.result-poll-ms", "50");
        return settings;
    }

    @Override
    public void configureTest(TestExecutionConfiguration test) {
        super.configureTest(test);
        test.withUseAdviceWith(true);
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        drop = Files.createDirectories(temp.resolve("drop"));
        device = new Device(temp.resolve("device"), keys, server, Device.ONE_AT_A_TIME);
        CamelContext camel = super.createCamelContext();
        camel.getPropertiesComponent().setOverrideProperties(settings());
        return camel;
    }

    @Override
    protected void bindToRegistry(Registry registry) throws IOException {
        bind(registry, device);
        registry.bind("dropFolderCheck", new DropFolderCheck(drop, applicationProperties().getProperty("client.ignored-names")));
        registry.bind("dropFolderPolls", new DropFolderPolls(new DropFolderChanges(drop, java.time.Duration.ofMinutes(1),
                java.time.Duration.ofSeconds(12))));
        registry.bind("resultWriters", resultWriters);
        sentFiles = new SentFiles(device.home.resolve("state").resolve("sent-files.txt"));
        registry.bind("sentFiles", sentFiles);
        registry.bind("stateHousekeeping", new StateHousekeeping(drop, device.journal, sentFiles));
    }

    /** The beans of {@code run} (e.g. a client restarted over the folder a crash left) in place of the current ones. */
    void bind(Registry registry, Device run) {
        registry.bind("fileUploader", run.uploader);
        registry.bind("resultInbox", run.inbox);
    }

    @Override
    protected void doPostSetup() throws Exception {
        PluginHelper.getRoutesLoader(context).loadRoutes(PluginHelper.getPackageScanResourceResolver(context)
                .findResources("file:" + ROUTE_FOLDER.toAbsolutePath() + "/*.camel.yaml"));
    }

    /** Starts the context with only {@code routes} running. */
    void startOnly(String... routes) {
        List<String> wanted = List.of(routes);
        for (RouteDefinition route : context.getRouteDefinitions()) {
            route.setAutoStartup(String.valueOf(wanted.contains(route.getRouteId())));
        }
        context.start();
    }

    @AfterEach
    void stopWriters() {
        resultWriters.shutdownNow();
    }

    static Properties applicationProperties() throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(ROUTE_FOLDER.resolve("application.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    Path write(String name, byte[] content) throws IOException {
        return Files.write(drop.resolve(name), content);
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
