package dev.fileanalysis.processor;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.UUID;

import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.apiclient.TokenSource;
import dev.fileanalysis.crypto.CryptoWarmUp;
import dev.fileanalysis.runtime.CamelSettings;
import dev.fileanalysis.runtime.Settings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.slf4j.LoggerFactory;

/**
 * Wires a processor's beans from its settings; named in processor-routes/application.properties
 * as {@code camel.main.configuration-classes}. A processor only makes outbound calls: to the
 * server (with its service credential), to presigned S3 URLs and to its engine.
 */
public class ProcessorBeans implements CamelConfiguration {

    @Override
    public void configure(CamelContext camel) {
        Settings settings = CamelSettings.of(camel);
        // The first claimed job would otherwise pay for the crypto provider's start.
        CryptoWarmUp.run();
        String processorId = "processor-" + UUID.randomUUID();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        TokenSource tokens = new TokenSource(http, URI.create(settings.require("oidc.token-url")),
                settings.require("processor.oidc-client-id"), settings.get("processor.oidc-client-secret", ""));
        ServerApiClient server = new ServerApiClient(http, URI.create(settings.require("processor.server-url")), tokens);
        int workers = settings.getInt("processor.workers", 2);
        JobClaimer claimer = new JobClaimer(server, processorId, settings.require("processor.supported-versions"), workers,
                settings.getLong("processor.claim-interval-ms", 250), settings.getLong("processor.idle-claim-max-interval-ms", 1000));
        LeaseKeeper leases = new LeaseKeeper(server, processorId,
                Duration.ofMillis(settings.getLong("processor.lease-renew-ms", 15000)));
        camel.getRegistry().bind("jobClaimer", claimer);
        camel.getRegistry().bind("leaseKeeper", leases);
        camel.getRegistry().bind("jobAnalysis", new JobAnalysis(server, http, claimer, leases,
                settings.getLong("processor.max-chunk-bytes", 64L << 20),
                Duration.ofSeconds(settings.getLong("processor.upload-stall-seconds", 600)),
                settings.getInt("processor.engine-attempts", 3)));
        LoggerFactory.getLogger(ProcessorBeans.class).info("processor {} with {} workers, supports client versions {}",
                processorId, workers, settings.require("processor.supported-versions"));
    }
}
