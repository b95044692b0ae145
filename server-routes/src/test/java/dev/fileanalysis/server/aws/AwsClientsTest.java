package dev.fileanalysis.server.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.fileanalysis.runtime.Settings;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * Presigned URLs name the address their users reach S3 at, while the server's own SDK calls may go
 * to an internal one: in docker compose the server talks to {@code localstack:4566}, and a URL for
 * that host would be unreachable from a desktop and its signature (which covers the Host header)
 * wrong for any other host.
 */
class AwsClientsTest {

    private static final String INTERNAL = "http://localstack:4566";
    private static final String PUBLIC = "http://localhost.localstack.cloud:4566";

    @Test
    void presignedUrlsAreSignedForThePublicEndpointWhileTheSdkKeepsTheInternalOne() {
        AwsClients aws = new AwsClients(settings(Map.of("s3.endpoint", INTERNAL, "s3.public-endpoint", PUBLIC)));

        PresignedPutObjectRequest put = presignPut(aws);

        assertThat(put.url().getHost()).isEqualTo("localhost.localstack.cloud");
        assertThat(put.url().getPort()).isEqualTo(4566);
        assertThat(put.url().getPath()).as("path-style, as LocalStack and s3proxy expect").isEqualTo("/pipeline-chunks/chunks/file-1/0");
        assertThat(put.signedHeaders()).as("the signature covers the host the URL names")
                .containsEntry("host", List.of("localhost.localstack.cloud:4566"));
        try (S3Client s3 = aws.s3()) {
            assertThat(s3.serviceClientConfiguration().endpointOverride()).contains(URI.create(INTERNAL));
        }
    }

    @Test
    void withoutAPublicEndpointPresignedUrlsNameTheSdksEndpoint() {
        AwsClients aws = new AwsClients(settings(Map.of("s3.endpoint", INTERNAL, "s3.public-endpoint", "")));

        URL url = presignPut(aws).url();

        assertThat(url.getHost()).isEqualTo("localstack");
        assertThat(url.getPort()).isEqualTo(4566);
    }

    @Test
    void theBacklogMetricIsPublishedWithTheRegionAndCredentialsOfTheOtherClients() {
        AwsClients aws = new AwsClients(settings(Map.of("aws.region", "eu-west-1", "aws.access-key-id", "AKIDPIPELINE",
                "aws.secret-access-key", "pipeline-secret")));

        try (CloudWatchClient cloudWatch = aws.cloudWatch(); DynamoDbClient dynamo = aws.dynamoDb()) {
            assertThat(cloudWatch.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1)
                    .isEqualTo(dynamo.serviceClientConfiguration().region());
            AwsCredentialsIdentity identity = cloudWatch.serviceClientConfiguration().credentialsProvider()
                    .resolveIdentity().join();
            assertThat(identity.accessKeyId()).isEqualTo("AKIDPIPELINE");
            assertThat(identity.secretAccessKey()).isEqualTo("pipeline-secret");
        }
    }

    private static PresignedPutObjectRequest presignPut(AwsClients aws) {
        try (S3Presigner presigner = aws.presigner()) {
            return presigner.presignPutObject(request -> request
                    .signatureDuration(Duration.ofMinutes(5))
                    .putObjectRequest(put -> put.bucket("pipeline-chunks").key("chunks/file-1/0").contentLength(3L)));
        }
    }

    private static Settings settings(Map<String, String> endpoints) {
        Map<String, String> values = new HashMap<>(Map.of(
                "aws.region", "us-east-1", "aws.access-key-id", "test", "aws.secret-access-key", "test"));
        values.putAll(endpoints);
        return Settings.of(values);
    }
}
