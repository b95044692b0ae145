package dev.fileanalysis.server;

import java.time.Duration;
import java.util.Arrays;

import dev.fileanalysis.auth.BearerTokenValidator;
import dev.fileanalysis.aws.AwsClients;
import dev.fileanalysis.runtime.CamelSettings;
import dev.fileanalysis.runtime.Settings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * Wires the server's beans from its settings; named in server-routes/application.properties as
 * {@code camel.main.configuration-classes}.
 */
public class ServerBeans implements CamelConfiguration {

    @Override
    public void configure(CamelContext camel) {
        Settings settings = CamelSettings.of(camel);
        AwsClients aws = new AwsClients(settings);
        var dynamo = aws.dynamoDb();
        JobStore jobs = new JobStore(dynamo, settings.require("server.jobs-table"));
        ResultStore results = new ResultStore(dynamo, settings.require("server.results-table"));
        ChunkStorage chunks = new ChunkStorage(aws.s3(), aws.presigner(), settings.require("s3.bucket"),
                Duration.ofSeconds(settings.getLong("server.presigned-url-seconds", 900)));
        BearerTokenValidator tokens = new BearerTokenValidator(settings.require("oidc.issuer"),
                settings.require("oidc.jwks-url"), settings.require("oidc.audience"),
                Arrays.stream(settings.get("server.processor-clients", "processor").split(","))
                        .map(String::trim).filter(s -> !s.isEmpty()).toList());
        camel.getRegistry().bind("authorization", new Authorization(tokens));
        camel.getRegistry().bind("jobApi", new JobApi(jobs, results, chunks, aws.region().id(),
                settings.getInt("server.max-chunks", 1_000_000), settings.getLong("server.max-chunk-bytes", 64L << 20)));
        camel.getRegistry().bind("processorApi", new ProcessorApi(jobs, results, chunks,
                settings.getLong("server.claim-lease-seconds", 60) * 1000,
                settings.getLong("server.retry-backoff-ms", 2000)));
        camel.getRegistry().bind("errorResponses", new ErrorResponses());
        camel.getRegistry().bind("housekeeping", new Housekeeping(jobs, results, chunks,
                Duration.ofSeconds(settings.getLong("server.upload-abandon-seconds", 3600)),
                Duration.ofHours(settings.getLong("server.job-retention-hours", 24 * 7)),
                Duration.ofHours(settings.getLong("server.result-retention-hours", 24 * 30)),
                Duration.ofSeconds(settings.getLong("server.fetched-result-retention-seconds", 24 * 3600))));
    }
}
