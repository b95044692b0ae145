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
  void aDataFolderFromBeforeAnIndexChangeHasItsTableRebuiltWithEveryItemKept() throws Exception {
    Path before = Path.of(getClass().getResource("/tables-before-queue-index.json").toURI());
    try (RunningDevStack devstack = RunningDevStack.start(settings().tablesFile(before).build());
        DynamoDbClient dynamo = dynamo(devstack.endpoints())) {
      for (int n = 0; n < 260; n++) {
        String id = "job-" + n;
        dynamo.putItem(b -> b.tableName("pipeline-jobs").item(Map.of("id", AttributeValue.fromS(id),
            "status", AttributeValue.fromS("UPLOADED"), "created", AttributeValue.fromS("2026-11-01T00:00:00Z"),
            "organisation", AttributeValue.fromS("org-1"), "chunks", AttributeValue.fromN("3"))));
      }
    }

    try (RunningDevStack devstack = RunningDevStack.start(settings().build());
        DynamoDbClient dynamo = dynamo(devstack.endpoints())) {
      assertThat(dynamo.describeTable(b -> b.tableName("pipeline-jobs")).table().globalSecondaryIndexes())
          .extracting(index -> index.indexName())
          .containsExactlyInAnyOrder("queue-created-index", "organisation-created-index");
      assertThat(dynamo.scanPaginator(b -> b.tableName("pipeline-jobs")).items().stream().count()).isEqualTo(260);
      assertThat(dynamo.getItem(b -> b.tableName("pipeline-jobs").key(Map.of("id", AttributeValue.fromS("job-7")))).item())
          .containsEntry("status", AttributeValue.fromS("UPLOADED"))
          .containsEntry("chunks", AttributeValue.fromN("3"));
      assertThat(dynamo.listTables().tableNames()).noneMatch(name -> name.endsWith(".rebuilding"));
    }
  }

  @Test
  void aRebuildCutShortAfterTheTableWasDroppedIsFinishedByTheNextStart() {
    try (RunningDevStack devstack = RunningDevStack.start(settings().build());
        DynamoDbClient dynamo = dynamo(devstack.endpoints())) {
      // What a devstack stopped mid-rebuild leaves: the items in the copy, the table gone.
      var definition = TableDefinitions.load(ROOT.resolve("localstack/tables.json")).tables().stream()
          .filter(table -> table.tableName().equals("pipeline-results")).findFirst().orElseThrow();
      dynamo.createTable(definition.toBuilder().tableName(TableDefinitions.rebuildCopyName("pipeline-results")).build());
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> dynamo.describeTable(b -> b.tableName(
          TableDefinitions.rebuildCopyName("pipeline-results"))).table().tableStatusAsString().equals("ACTIVE"))).isTrue();
      dynamo.putItem(b -> b.tableName(TableDefinitions.rebuildCopyName("pipeline-results")).item(Map.of(
          "id", AttributeValue.fromS("result-kept"), "client", AttributeValue.fromS("client-ab"),
          "created", AttributeValue.fromS("2025-01-01T00:00:00.000Z"))));
      dynamo.deleteTable(b -> b.tableName("pipeline-results"));
      assertThat(Processes.eventually(Duration.ofSeconds(10),
          () -> !dynamo.listTables().tableNames().contains("pipeline-results"))).isTrue();
    }

    try (RunningDevStack devstack = RunningDevStack.start(settings().build());
        DynamoDbClient dynamo = dynamo(devstack.endpoints())) {
      assertThat(dynamo.getItem(b -> b.tableName("pipeline-results").key(Map.of("id", AttributeValue.fromS("result-kept"))))
          .item()).containsEntry("client", AttributeValue.fromS("client-ab"));
      assertThat(dynamo.listTables().tableNames()).doesNotContain(TableDefinitions.rebuildCopyName("pipeline-results"));
    }
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
