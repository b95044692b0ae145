package dev.fileanalysis.devstack;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** S3 clients configured the way the design prescribes for s3proxy. */
final class S3Clients {
  private S3Clients() {
  }

  static S3Client client(Endpoints endpoints) {
    return builder(endpoints).build();
  }

  static S3Presigner presigner(Endpoints endpoints) {
    return S3Presigner.builder()
        .s3Client(client(endpoints))
        .region(Region.of(endpoints.region()))
        .endpointOverride(URI.create(endpoints.s3Endpoint()))
        .credentialsProvider(credentials(endpoints))
        .build();
  }

  /**
   * A presigned PUT URL dated by the given clock. S3Presigner always signs at the current time,
   * so this calls the SigV4 signer it uses underneath, with the same properties it sets.
   */
  static URI presignPutSignedAt(Endpoints endpoints, String key, String contentMd5, Clock clock, Duration lifetime) {
    SdkHttpFullRequest request = SdkHttpFullRequest.builder()
        .method(SdkHttpMethod.PUT)
        .uri(URI.create(endpoints.s3Endpoint() + "/" + endpoints.s3Bucket() + "/" + key))
        .putHeader("Content-MD5", contentMd5)
        .build();
    return AwsV4HttpSigner.create().sign(r -> r
            .identity(AwsCredentialsIdentity.create(
                endpoints.credentials().accessKeyId(), endpoints.credentials().secretAccessKey()))
            .request(request)
            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
            .putProperty(AwsV4HttpSigner.REGION_NAME, endpoints.region())
            .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
            .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, lifetime)
            .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
            .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
            .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
            .putProperty(HttpSigner.SIGNING_CLOCK, clock))
        .request()
        .getUri();
  }

  private static S3ClientBuilder builder(Endpoints endpoints) {
    return S3Client.builder()
        .region(Region.of(endpoints.region()))
        .endpointOverride(URI.create(endpoints.s3Endpoint()))
        .credentialsProvider(credentials(endpoints))
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
  }

  private static StaticCredentialsProvider credentials(Endpoints endpoints) {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(
        endpoints.credentials().accessKeyId(), endpoints.credentials().secretAccessKey()));
  }
}
