package dev.fileanalysis.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Starting, stopping and restarting the devstack in this JVM; start-up errors users can fix. */
class DevStackLifecycleTest {
  private static final Path ROOT = Processes.repositoryRoot();

  @TempDir
  Path dataDir;

  @Test
  void stoppingTheDevstackStopsDynaliteAndRemovesTheEndpointsFile() {
    RunningDevStack devstack = RunningDevStack.start(settings().inMemory(true).build());
    long dynalite = devstack.dynalitePid();
    assertThat(Processes.isRunning(dynalite)).isTrue();
    assertThat(devstack.propertiesFile()).exists();

    devstack.close();

    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> !Processes.isRunning(dynalite))).isTrue();
    assertThat(devstack.propertiesFile()).doesNotExist();
  }

  @Test
  void restartKeepsCredentialsAndTheTablesOnDisk() {
    Endpoints first;
    try (RunningDevStack devstack = RunningDevStack.start(settings().build())) {
      first = devstack.endpoints();
      try (DynamoDbClient dynamo = dynamo(first)) {
        dynamo.putItem(b -> b.tableName("pipeline-results").item(Map.of(
            "id", AttributeValue.fromS("result-1"), "client", AttributeValue.fromS("client-ab"),
            "created", AttributeValue.fromS("2025-01-01T00:00:00.000Z"))));
      }
    }

    try (RunningDevStack devstack = RunningDevStack.start(settings().build())) {
      Endpoints second = devstack.endpoints();
      assertThat(second.credentials()).isEqualTo(first.credentials());
      try (DynamoDbClient dynamo = dynamo(second)) {
        assertThat(dynamo.getItem(b -> b.tableName("pipeline-results").key(Map.of("id", AttributeValue.fromS("result-1"))))
            .item()).containsEntry("client", AttributeValue.fromS("client-ab"));
      }
    }
    assertThat(dataDir.resolve("dynamodb")).isDirectory();
    assertThat(dataDir.resolve("s3/pipeline-chunks")).isDirectory();
  }

  @Test
  void missingNodeModulesIsReportedWithTheCommandThatInstallsThem(@TempDir Path emptyDynaliteDir) throws Exception {
    Files.copy(ROOT.resolve("localstack/dynalite/package.json"), emptyDynaliteDir.resolve("package.json"));

    assertThatThrownBy(() -> RunningDevStack.start(settings().dynaliteDir(emptyDynaliteDir).build()))
        .isInstanceOf(DevStackException.class)
        .hasMessageContaining("dynalite is not installed")
        .hasMessageContaining("npm ci --prefix localstack/dynalite")
        .hasMessageContaining("mvn -B package");
    assertThat(dataDir.resolve("devstack.properties")).doesNotExist();
  }

  @Test
  void refusesANonLoopbackHostUnlessAllowed() {
    assertThatThrownBy(() -> RunningDevStack.start(settings().host("192.0.2.10").build()))
        .isInstanceOf(DevStackException.class)
        .hasMessageContaining("not a loopback address")
        .hasMessageContaining("--allow-non-loopback");
  }

  @Test
  void missingTablesFileIsNamed() {
    assertThatThrownBy(() -> RunningDevStack.start(settings().tablesFile(dataDir.resolve("nope.json")).build()))
        .isInstanceOf(DevStackException.class)
        .hasMessageContaining("nope.json")
        .hasMessageContaining("does not exist");
  }

  @Test
  void commandLineReportsStartupErrorsWithExitCodeOne() {
    int exit = DevStack.run("--data", dataDir.toString(), "--host", "192.0.2.10",
        "--tables", ROOT.resolve("localstack/tables.json").toString());

    assertThat(exit).isEqualTo(1);
  }

  private DevStackSettings.Builder settings() {
    return DevStackSettings.builder().dataDir(dataDir).repositoryRoot(ROOT);
  }

  private static DynamoDbClient dynamo(Endpoints endpoints) {
    return DynamoDbClient.builder()
        .endpointOverride(URI.create(endpoints.dynamodbEndpoint()))
        .region(Region.of(endpoints.region()))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            endpoints.credentials().accessKeyId(), endpoints.credentials().secretAccessKey())))
        .build();
  }
}
