package dev.fileanalysis.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/** The devstack started in this JVM, with a fresh data folder and in-memory tables. */
class EmbeddedDevStackTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dataDir;
  static RunningDevStack devstack;
  static Endpoints endpoints;
  static S3Client s3;
  static DynamoDbClient dynamo;

  @BeforeAll
  static void start() {
    devstack = RunningDevStack.start(DevStackSettings.builder()
        .dataDir(dataDir)
        .repositoryRoot(Processes.repositoryRoot())
        .inMemory(true)
        .build());
    endpoints = devstack.endpoints();
    s3 = S3Clients.client(endpoints);
    dynamo = DynamoDbClient.builder()
        .endpointOverride(URI.create(endpoints.dynamodbEndpoint()))
        .region(Region.of(endpoints.region()))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            endpoints.credentials().accessKeyId(), endpoints.credentials().secretAccessKey())))
        .build();
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
    if (dynamo != null) {
      dynamo.close();
    }
    if (devstack != null) {
      devstack.close();
    }
  }

  // ---- devstack.properties ----

  @Test
  void writesTheEndpointsFileOwnerOnlyWithExactlyTheContractKeys() throws IOException {
    Path file = dataDir.resolve("devstack.properties");
    Properties properties = load(file);

    assertThat(properties.stringPropertyNames()).containsExactlyInAnyOrder(
        "aws.region", "aws.access-key-id", "aws.secret-access-key", "s3.endpoint", "s3.bucket",
        "dynamodb.endpoint", "oidc.issuer", "oidc.authorization-url", "oidc.token-url", "oidc.jwks-url",
        "oidc.audience");
    assertThat(properties.getProperty("aws.region")).isEqualTo("us-east-1");
    assertThat(properties.getProperty("s3.bucket")).isEqualTo("pipeline-chunks");
    assertThat(properties.getProperty("s3.endpoint")).matches("http://127\\.0\\.0\\.1:\\d+");
    assertThat(properties.getProperty("dynamodb.endpoint")).matches("http://127\\.0\\.0\\.1:\\d+");
    assertThat(properties.getProperty("oidc.issuer")).matches("http://127\\.0\\.0\\.1:\\d+/pipeline");
    assertThat(properties.getProperty("oidc.authorization-url")).isEqualTo(properties.getProperty("oidc.issuer") + "/authorize");
    assertThat(properties.getProperty("oidc.token-url")).isEqualTo(properties.getProperty("oidc.issuer") + "/token");
    assertThat(properties.getProperty("oidc.jwks-url")).isEqualTo(properties.getProperty("oidc.issuer") + "/jwks");
    assertThat(properties.getProperty("oidc.audience")).isEqualTo("file-analysis-pipeline");
    assertThat(properties).isEqualTo(endpoints.asProperties());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void keepsTheGeneratedCredentialsOwnerOnlyInTheDataFolder() throws IOException {
    Path file = dataDir.resolve("devstack-credentials.properties");
    Properties credentials = load(file);

    assertThat(credentials.getProperty("aws.access-key-id")).isEqualTo(endpoints.credentials().accessKeyId()).hasSize(20);
    assertThat(credentials.getProperty("aws.secret-access-key")).isEqualTo(endpoints.credentials().secretAccessKey()).hasSize(40);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void refusesASecondDevstackOnTheSameDataFolder() {
    assertThatThrownBy(() -> RunningDevStack.start(DevStackSettings.builder()
            .dataDir(dataDir).repositoryRoot(Processes.repositoryRoot()).inMemory(true).build()))
        .isInstanceOf(DevStackException.class)
        .hasMessageContaining("another devstack is already running");
  }

  // ---- S3: presigned URLs are really checked ----

  @Test
  void presignedPutCoveringContentMd5IsAcceptedAndGetReturnsTheBytes() throws Exception {
    byte[] body = randomBytes(100_000);
    String key = "chunks/file-" + UUID.randomUUID() + "/0";

    try (S3Presigner presigner = S3Clients.presigner(endpoints)) {
      PresignedPutObjectRequest put = presignPut(presigner, key, md5(body));
      assertThat(put.signedHeaders()).containsKey("content-md5");

      HttpResponse<String> response = send(put.url().toURI(), put.signedHeaders(), body);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

      // what a processor does: a presigned GET
      URI get = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
          .getObjectRequest(o -> o.bucket(endpoints.s3Bucket()).key(key))).url().toURI();
      HttpResponse<byte[]> download = HTTP.send(HttpRequest.newBuilder(get).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(download.statusCode()).isEqualTo(200);
      assertThat(download.body()).isEqualTo(body);
    }
    assertThat(s3.getObjectAsBytes(b -> b.bucket(endpoints.s3Bucket()).key(key)).asByteArray()).isEqualTo(body);
  }

  @Test
  void putWithAContentMd5OtherThanTheSignedOneIsRejected() throws Exception {
    byte[] body = randomBytes(1000);
    String key = "chunks/file-" + UUID.randomUUID() + "/0";
    try (S3Presigner presigner = S3Clients.presigner(endpoints)) {
      PresignedPutObjectRequest put = presignPut(presigner, key, md5(body));
      Map<String, List<String>> headers = new HashMap<>(put.signedHeaders());
      headers.put("content-md5", List.of(md5("something else".getBytes(StandardCharsets.UTF_8))));

      HttpResponse<String> response = send(put.url().toURI(), headers, body);

      assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
      assertThat(response.body()).contains("SignatureDoesNotMatch");
    }
    assertNoObject(key);
  }

  @Test
  void putOfOtherBytesThanTheSignedContentMd5IsRejected() throws Exception {
    byte[] signed = randomBytes(1000);
    byte[] sent = randomBytes(1000);
    String key = "chunks/file-" + UUID.randomUUID() + "/0";
    try (S3Presigner presigner = S3Clients.presigner(endpoints)) {
      PresignedPutObjectRequest put = presignPut(presigner, key, md5(signed));

      HttpResponse<String> response = send(put.url().toURI(), put.signedHeaders(), sent);

      assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
      assertThat(response.body()).contains("BadDigest");
    }
    assertNoObject(key);
  }

  @Test
  void putWithATamperedSignatureIsRejected() throws Exception {
    byte[] body = randomBytes(1000);
    String key = "chunks/file-" + UUID.randomUUID() + "/0";
    try (S3Presigner presigner = S3Clients.presigner(endpoints)) {
      PresignedPutObjectRequest put = presignPut(presigner, key, md5(body));
      String url = put.url().toString();
      int at = url.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length();
      String tampered = url.substring(0, at) + (url.charAt(at) == '0' ? '1' : '0') + url.substring(at + 1);

      HttpResponse<String> response = send(URI.create(tampered), put.signedHeaders(), body);

      assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
      assertThat(response.body()).contains("SignatureDoesNotMatch");
    }
    assertNoObject(key);
  }

  @Test
  void urlPresignedForOneKeyDoesNotWriteAnother() throws Exception {
    byte[] body = randomBytes(1000);
    String file = "chunks/file-" + UUID.randomUUID();
    try (S3Presigner presigner = S3Clients.presigner(endpoints)) {
      PresignedPutObjectRequest put = presignPut(presigner, file + "/0", md5(body));
      URI other = URI.create(put.url().toString().replace(file + "/0", file + "/1"));

      HttpResponse<String> response = send(other, put.signedHeaders(), body);

      assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
      assertThat(response.body()).contains("SignatureDoesNotMatch");
    }
    assertNoObject(file + "/0");
    assertNoObject(file + "/1");
  }

  @Test
  void expiredPresignedUrlIsRejected() throws Exception {
    byte[] body = randomBytes(1000);
    String key = "chunks/file-" + UUID.randomUUID() + "/0";
    // Signed a minute ago with a one-second lifetime: expired without waiting for it.
    URI url = S3Clients.presignPutSignedAt(endpoints, key, md5(body),
        Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-1)), Duration.ofSeconds(1));

    HttpResponse<String> response = send(url, Map.of("Content-MD5", List.of(md5(body))), body);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    assertThat(response.body()).contains("AccessDenied").contains("Request has expired");
    assertNoObject(key);
  }

  @Test
  void backDatedUrlIsAcceptedWithinItsLifetime() throws Exception {
    // The control for the expiry test: the same signing, a minute ago, is fine for five minutes.
    byte[] body = randomBytes(1000);
    String key = "chunks/file-" + UUID.randomUUID() + "/0";
    URI url = S3Clients.presignPutSignedAt(endpoints, key, md5(body),
        Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-1)), Duration.ofMinutes(5));

    HttpResponse<String> response = send(url, Map.of("Content-MD5", List.of(md5(body))), body);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(s3.getObjectAsBytes(b -> b.bucket(endpoints.s3Bucket()).key(key)).asByteArray()).isEqualTo(body);
  }

  // ---- DynamoDB (dynalite) ----

  @Test
  void createsEveryTableOfTheTablesFileWithItsIndexesActive() {
    TableDefinitions definitions = TableDefinitions.load(Processes.repositoryRoot().resolve("localstack/tables.json"));
    assertThat(dynamo.listTables().tableNames()).containsAll(definitions.tableNames());

    definitions.tables().forEach(wanted -> {
      TableDescription table = dynamo.describeTable(b -> b.tableName(wanted.tableName())).table();
      assertThat(table.tableStatus()).isEqualTo(TableStatus.ACTIVE);
      assertThat(table.keySchema()).isEqualTo(wanted.keySchema());
      assertThat(table.globalSecondaryIndexes())
          .extracting(GlobalSecondaryIndexDescription::indexName)
          .containsExactlyInAnyOrderElementsOf(wanted.globalSecondaryIndexes().stream().map(g -> g.indexName()).toList());
      assertThat(table.globalSecondaryIndexes())
          .allSatisfy(index -> assertThat(index.indexStatus()).isEqualTo(IndexStatus.ACTIVE));
    });
    assertThat(dynamo.describeTable(b -> b.tableName("pipeline-jobs")).table().globalSecondaryIndexes())
        .filteredOn(index -> index.indexName().equals("queue-created-index"))
        .singleElement()
        .satisfies(index -> assertThat(index.keySchema()).extracting(k -> k.attributeName()).containsExactly("queue", "created"));
  }

  @Test
  void conditionalPutRefusesASecondItemWithTheSameKey() {
    String id = "job-" + UUID.randomUUID();
    Map<String, AttributeValue> job = Map.of(
        "id", AttributeValue.fromS(id),
        "status", AttributeValue.fromS("UPLOADING"),
        "queue", AttributeValue.fromS("UPLOADING#03"),
        "created", AttributeValue.fromS(Instant.now().toString()));

    dynamo.putItem(b -> b.tableName("pipeline-jobs").item(job).conditionExpression("attribute_not_exists(id)"));

    assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName("pipeline-jobs").item(job)
        .conditionExpression("attribute_not_exists(id)")))
        .isInstanceOf(ConditionalCheckFailedException.class);
    assertThat(dynamo.query(b -> b.tableName("pipeline-jobs").indexName("queue-created-index")
            .keyConditionExpression("#q = :q").expressionAttributeNames(Map.of("#q", "queue"))
            .expressionAttributeValues(Map.of(":q", AttributeValue.fromS("UPLOADING#03")))).items())
        .anySatisfy(item -> assertThat(item.get("id").s()).isEqualTo(id));
  }

  // ---- OIDC ----

  @Test
  void clientCredentialsTokenNamesTheClientAndVerifiesAgainstTheJwks() throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(endpoints.oidcTokenUrl()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                "processor-7:any-secret".getBytes(StandardCharsets.UTF_8)))
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    String accessToken = JSON.readTree(response.body())
        .get("access_token").asText();

    // The validation the server will do: signature by a JWKS key, iss, aud, exp.
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
        JWKSourceBuilder.<SecurityContext>create(new URL(endpoints.oidcJwksUrl())).build()));
    processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(endpoints.oidcAudience(),
        new JWTClaimsSet.Builder().issuer(endpoints.oidcIssuer()).build(), Set.of("sub", "exp", "iat")));
    JWTClaimsSet claims = processor.process(accessToken, null);

    assertThat(claims.getIssuer()).isEqualTo(endpoints.oidcIssuer());
    assertThat(claims.getSubject()).isEqualTo("processor-7");
    assertThat(claims.getAudience()).containsExactly("file-analysis-pipeline");
    assertThat(claims.getExpirationTime().toInstant())
        .isBetween(Instant.now().plus(Duration.ofMinutes(55)), Instant.now().plus(Duration.ofMinutes(65)));
    assertThat(SignedJWT.parse(accessToken).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
  }

  @Test
  void clientCredentialsWithTheClientInTheFormGetsItsOwnSubject() throws Exception {
    String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode("server", StandardCharsets.UTF_8)
        + "&client_secret=x";
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(endpoints.oidcTokenUrl()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    String accessToken = JSON.readTree(response.body())
        .get("access_token").asText();

    assertThat(SignedJWT.parse(accessToken).getJWTClaimsSet().getSubject()).isEqualTo("server");
  }

  @Test
  void aPersonSignsInThroughTheLoginFormAndGetsAnIdTokenWithTheirNameAndClaims() throws Exception {
    String verifier = "dev-login-test-verifier-" + UUID.randomUUID() + "-0123456789";
    String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    String redirect = "http://127.0.0.1:1/callback";
    URI authorize = URI.create(endpoints.oidcAuthorizationUrl() + "?response_type=code&client_id=pipeline-desktop"
        + "&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8) + "&scope=openid%20email"
        + "&state=s-1&nonce=n-1&code_challenge=" + challenge + "&code_challenge_method=S256");

    HttpResponse<String> form = HTTP.send(HttpRequest.newBuilder(authorize).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(form.statusCode()).isEqualTo(200);
    assertThat(form.body()).contains("name=\"username\"");

    String login = "username=alice&claims=" + URLEncoder.encode("{\"email\":\"alice@pipeline.test\"}", StandardCharsets.UTF_8);
    HttpResponse<String> signedIn = HTTP.send(HttpRequest.newBuilder(authorize)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(login)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(signedIn.statusCode()).isEqualTo(302);
    URI back = URI.create(signedIn.headers().firstValue("Location").orElseThrow());
    assertThat(back.toString()).startsWith(redirect + "?");
    Map<String, String> query = new HashMap<>();
    for (String pair : back.getRawQuery().split("&")) {
      String[] kv = pair.split("=", 2);
      query.put(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    assertThat(query).containsEntry("state", "s-1").containsKey("code");

    String exchange = "grant_type=authorization_code&client_id=pipeline-desktop&code="
        + URLEncoder.encode(query.get("code"), StandardCharsets.UTF_8)
        + "&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8) + "&code_verifier=" + verifier;
    HttpResponse<String> tokens = HTTP.send(HttpRequest.newBuilder(URI.create(endpoints.oidcTokenUrl()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(exchange)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
    JWTClaimsSet idToken = SignedJWT.parse(JSON.readTree(tokens.body()).get("id_token").asText()).getJWTClaimsSet();
    assertThat(idToken.getSubject()).isEqualTo("alice");
    assertThat(idToken.getStringClaim("email")).isEqualTo("alice@pipeline.test");
    assertThat(idToken.getStringClaim("nonce")).isEqualTo("n-1");
    assertThat(idToken.getIssuer()).isEqualTo(endpoints.oidcIssuer());
    assertThat(idToken.getAudience()).containsExactly("pipeline-desktop");
  }

  @Test
  void publishesTheDiscoveryDocumentAndJwks() throws Exception {
    HttpResponse<String> discovery = HTTP.send(HttpRequest.newBuilder(
        URI.create(endpoints.oidcIssuer() + "/.well-known/openid-configuration")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(discovery.statusCode()).isEqualTo(200);
    JsonNode document = JSON.readTree(discovery.body());
    assertThat(document.get("issuer").asText()).isEqualTo(endpoints.oidcIssuer());
    assertThat(document.get("jwks_uri").asText()).isEqualTo(endpoints.oidcJwksUrl());
    assertThat(document.get("token_endpoint").asText()).isEqualTo(endpoints.oidcTokenUrl());

    HttpResponse<String> jwks = HTTP.send(HttpRequest.newBuilder(URI.create(endpoints.oidcJwksUrl())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(jwks.statusCode()).isEqualTo(200);
    assertThat(JWKSet.parse(jwks.body()).getKeys()).isNotEmpty();
  }

  // ---- helpers ----

  private static PresignedPutObjectRequest presignPut(S3Presigner presigner, String key, String contentMd5) {
    return presigner.presignPutObject(p -> p
        .signatureDuration(Duration.ofMinutes(5))
        .putObjectRequest(o -> o.bucket(endpoints.s3Bucket()).key(key).contentMD5(contentMd5)));
  }

  /** Sends the PUT with the presigned headers, as the client will (Host is set by the HTTP client). */
  private static HttpResponse<String> send(URI url, Map<String, List<String>> headers, byte[] body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach((name, values) -> {
      if (!name.equalsIgnoreCase("host")) {
        values.forEach(value -> request.header(name, value));
      }
    });
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertNoObject(String key) {
    assertThatThrownBy(() -> s3.headObject(b -> b.bucket(endpoints.s3Bucket()).key(key)))
        .isInstanceOf(S3Exception.class)
        .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(404));
    assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket(endpoints.s3Bucket()).key(key)))
        .isInstanceOf(NoSuchKeyException.class);
  }

  private static String md5(byte[] bytes) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random().nextBytes(bytes);
    return bytes;
  }

  private static Properties load(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    }
    return properties;
  }
}
