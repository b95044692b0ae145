package dev.fileanalysis.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

class TableDefinitionsTest {

  @Test
  void readsTheRepositoryTablesFileIntoCreateTableRequests() {
    TableDefinitions tables = TableDefinitions.load(Processes.repositoryRoot().resolve("localstack/tables.json"));

    assertThat(tables.tableNames()).containsExactlyInAnyOrder("pipeline-jobs", "pipeline-results", "pipeline-directory");
    CreateTableRequest jobs = tables.tables().stream().filter(t -> t.tableName().equals("pipeline-jobs")).findFirst().orElseThrow();
    assertThat(jobs.billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
    assertThat(jobs.keySchema()).singleElement().satisfies(k -> {
      assertThat(k.attributeName()).isEqualTo("id");
      assertThat(k.keyType()).isEqualTo(KeyType.HASH);
    });
    assertThat(jobs.attributeDefinitions()).allSatisfy(a -> assertThat(a.attributeType()).isEqualTo(ScalarAttributeType.S));
    assertThat(jobs.globalSecondaryIndexes()).extracting(gsi -> gsi.indexName() + " " + gsi.keySchema().stream()
            .map(k -> k.attributeName() + ":" + k.keyType()).toList() + " " + gsi.projection().projectionType())
        .containsExactlyInAnyOrder(
            "queue-created-index [queue:HASH, created:RANGE] ALL",
            "organisation-created-index [organisation:HASH, created:RANGE] ALL");
  }

  @Test
  void theDirectoryTableHasACompositeKeyAndALookupIndexOverIt() {
    TableDefinitions tables = TableDefinitions.load(Processes.repositoryRoot().resolve("localstack/tables.json"));

    CreateTableRequest directory = tables.tables().stream().filter(t -> t.tableName().equals("pipeline-directory")).findFirst().orElseThrow();
    assertThat(directory.keySchema()).extracting(k -> k.attributeName() + ":" + k.keyType()).containsExactly("pk:HASH", "sk:RANGE");
    assertThat(directory.attributeDefinitions()).extracting(a -> a.attributeName() + ":" + a.attributeType())
        .containsExactlyInAnyOrder("pk:S", "sk:S", "lookup:S");
    assertThat(directory.globalSecondaryIndexes()).singleElement().satisfies(gsi -> {
      assertThat(gsi.indexName()).isEqualTo("lookup-index");
      assertThat(gsi.keySchema()).extracting(k -> k.attributeName() + ":" + k.keyType()).containsExactly("lookup:HASH", "pk:RANGE");
      assertThat(gsi.projection().projectionType()).isEqualTo(ProjectionType.ALL);
    });
  }

  @Test
  void mapsIncludeProjectionsAndProvisionedThroughput() {
    TableDefinitions tables = TableDefinitions.parse("""
        [{"TableName": "t-provisioned",
          "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "n", "AttributeType": "N"}],
          "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
          "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 2},
          "GlobalSecondaryIndexes": [{"IndexName": "by-n", "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "b"]},
            "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}]}]
        """);

    CreateTableRequest table = tables.tables().get(0);
    assertThat(table.provisionedThroughput().readCapacityUnits()).isEqualTo(5);
    assertThat(table.globalSecondaryIndexes().get(0).projection().nonKeyAttributes()).containsExactly("a", "b");
  }

  @Test
  void unsupportedFieldIsRejectedByName() {
    assertThatThrownBy(() -> TableDefinitions.parse("""
        [{"TableName": "pipeline-jobs", "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
          "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "StreamSpecification": {}}]
        """))
        .isInstanceOf(DevStackException.class)
        .hasMessageContaining("[0] (pipeline-jobs) has unsupported field StreamSpecification");
  }

  @Test
  void missingProjectionIsNamedWithItsPath() {
    assertThatThrownBy(() -> TableDefinitions.parse("""
        [{"TableName": "pipeline-jobs", "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
          "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
          "GlobalSecondaryIndexes": [{"IndexName": "x", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}]}]
        """))
        .isInstanceOf(DevStackException.class)
        .hasMessageContaining("[0] (pipeline-jobs).GlobalSecondaryIndexes[0].Projection is missing");
  }

  @Test
  void invalidJsonAndWrongShapesAreReportedClearly() {
    assertThatThrownBy(() -> TableDefinitions.parse("[{"))
        .isInstanceOf(DevStackException.class).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> TableDefinitions.parse("{}"))
        .isInstanceOf(DevStackException.class).hasMessageContaining("expected a JSON array");
    assertThatThrownBy(() -> TableDefinitions.parse("""
        [{"TableName": "dup", "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]},
         {"TableName": "dup", "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}]
        """)).isInstanceOf(DevStackException.class).hasMessageContaining("table dup is defined twice");
  }
}
