package dev.fileanalysis.processor;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.crypto.JobSignature;
import dev.fileanalysis.model.Job;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.AfterEach;

/**
 * A processor's routes as the role runs them — loaded from {@code processor-routes/*.camel.yaml}
 * on disk, as RoleRunner loads them — with the real beans, talking to a {@link ServerStandIn}
 * over HTTP; the engine is a mock endpoint ({@code processor.engine-url=mock:engine}). Routes are
 * not started until the test has advised what it replaces and calls {@link #startRoutes()}.
 */
abstract class ProcessorRouteTestSupport extends CamelTestSupport {

    static final Path ROUTE_FOLDER = Path.of(System.getProperty("pipeline.home", "..")).resolve("processor-routes");
    static final int WORKERS = 2;
    /**
     * The renewal period the lease keeper is made for (its renewals give up after half of it);
     * the renew-leases timer itself ticks only in a test that sets processor.lease-renew-ms.
     */
    static final Duration RENEW_EVERY = Duration.ofSeconds(4);

    final ServerStandIn server;
    final ClientKeyPair client = ClientKeyPair.generate();
    final HttpClient http = HttpClient.newHttpClient();
    final JobClaimer claimer;
    final LeaseKeeper leases;
    final JobAnalysis analysis;

    ProcessorRouteTestSupport() {
        this(1);
    }

    /** @param engineAttempts attempts of a job whose engine fails, {@code processor.engine-attempts} */
    ProcessorRouteTestSupport(int engineAttempts) {
        try {
            server = new ServerStandIn();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ServerApiClient api = server.client(http);
        claimer = new JobClaimer(api, "processor-test", ">=1.0.0 <2.0.0", WORKERS);
        leases = new LeaseKeeper(api, "processor-test", RENEW_EVERY);
        analysis = new JobAnalysis(api, http, claimer, leases, 1 << 20, Duration.ofSeconds(5), engineAttempts);
    }

    /** The settings the test runs with, over the defaults written in the route files. */
    Properties settings() {
        Properties settings = new Properties();
        settings.setProperty("processor.workers", String.valueOf(WORKERS));
        settings.setProperty("processor.engine-url", "mock:engine");
        // Timers tick only when a test wants them to: each test says so in its own settings.
        settings.setProperty("processor.claim-interval-ms", "3600000");
        settings.setProperty("processor.lease-renew-ms", "3600000");
        return settings;
    }

    @Override
    public void configureTest(TestExecutionConfiguration test) {
        super.configureTest(test);
        test.withUseAdviceWith(true);
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext camel = super.createCamelContext();
        camel.getPropertiesComponent().setOverrideProperties(settings());
        return camel;
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("jobClaimer", claimer);
        registry.bind("leaseKeeper", leases);
        registry.bind("jobAnalysis", analysis);
    }

    @Override
    protected void doPostSetup() throws Exception {
        PluginHelper.getRoutesLoader(context).loadRoutes(PluginHelper.getPackageScanResourceResolver(context)
                .findResources("file:" + ROUTE_FOLDER.toAbsolutePath() + "/*.camel.yaml"));
    }

    /** Starts the context with every route but {@code leftStopped} (e.g. a timer the test does not want ticking). */
    void startRoutesBut(String... leftStopped) throws Exception {
        for (String route : leftStopped) {
            context.getRouteDefinition(route).setAutoStartup("false");
        }
        context.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** A job as a client signs it; the processor checks that signature before anything else. */
    Job signedJob(String id) {
        return JobSignature.sign(Job.unsigned(id, "1.0.0", "2026-01-02T03:04:05.678Z", "chunks", "eu-west-1",
                "file-" + id.substring(4), client.publicKey().clientId()), client);
    }
}
