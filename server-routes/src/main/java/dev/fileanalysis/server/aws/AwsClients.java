package dev.fileanalysis.server.aws;

import java.net.URI;

import dev.fileanalysis.runtime.Settings;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Builds the server's AWS clients from settings, so that the same code talks to the embedded
 * emulators, LocalStack or AWS: an endpoint override when {@code s3.endpoint} /
 * {@code dynamodb.endpoint} is set, static keys when {@code aws.access-key-id} is set, otherwise the
 * SDK's default chain (the ECS task role on Fargate). CloudWatch, for the backlog metric, has the
 * same region and credentials.
 */
public final class AwsClients {

    private final Settings settings;
    private final java.util.List<ExecutionInterceptor> observers;

    public AwsClients(Settings settings) {
        this(settings, java.util.List.of());
    }

    /** @param observers see every request the clients send (the server counts them for /metrics) */
    public AwsClients(Settings settings, java.util.List<ExecutionInterceptor> observers) {
        this.settings = settings;
        this.observers = java.util.List.copyOf(observers);
    }

    public Region region() {
        return Region.of(settings.get("aws.region", "us-east-1"));
    }

    public S3Client s3() {
        S3ClientBuilder builder = S3Client.builder()
                .region(region())
                .credentialsProvider(credentials())
                .overrideConfiguration(retries())
                // s3proxy and LocalStack speak path-style; the newer default checksums are not
                // understood by every emulator and would break presigned PUTs (DESIGN.md).
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        String endpoint = settings.get("s3.endpoint", "");
        if (!endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    /**
     * Given explicitly: Camel's own presigner ignores path-style access (DESIGN.md). It signs for
     * {@code s3.public-endpoint} when that is set: the address the URLs' users (clients, processors)
     * reach S3 at. The signature covers the Host header, so it cannot be the internal address the
     * server's own SDK may use ({@code s3.endpoint}, e.g. LocalStack's service name in compose).
     */
    public S3Presigner presigner() {
        S3Presigner.Builder builder = S3Presigner.builder()
                .region(region())
                .credentialsProvider(credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build());
        String endpoint = settings.get("s3.public-endpoint", "");
        if (endpoint.isBlank()) {
            endpoint = settings.get("s3.endpoint", "");
        }
        if (!endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    public DynamoDbClient dynamoDb() {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .region(region())
                .credentialsProvider(credentials())
                .overrideConfiguration(retries());
        String endpoint = settings.get("dynamodb.endpoint", "");
        if (!endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    /**
     * Where the server publishes its backlog metric (publish-backlog.camel.yaml): the region and
     * credentials of the other clients. No endpoint override: only AWS has CloudWatch here (the
     * embedded default and compose publish nothing).
     */
    public CloudWatchClient cloudWatch() {
        return CloudWatchClient.builder()
                .region(region())
                .credentialsProvider(credentials())
                .overrideConfiguration(retries())
                .build();
    }

    /**
     * The SDK's standard retry strategy (exponential back-off with jitter, throttling and 5xx
     * retried, other 4xx not) with more attempts than its default 3, so that a busy DynamoDB or S3
     * is ridden out before an API call gives up and the caller sees 503.
     */
    private ClientOverrideConfiguration retries() {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(6).build())
                .executionInterceptors(observers)
                .build();
    }

    private AwsCredentialsProvider credentials() {
        String accessKey = settings.get("aws.access-key-id", "");
        if (accessKey.isBlank()) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(
                AwsBasicCredentials.create(accessKey, settings.require("aws.secret-access-key")));
    }
}
