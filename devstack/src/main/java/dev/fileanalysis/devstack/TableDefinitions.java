package dev.fileanalysis.devstack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * The project's tables, read from {@code localstack/tables.json}: a JSON array of DynamoDB
 * CreateTable inputs in the service API's own JSON shape, so the same file feeds this bootstrap,
 * LocalStack's init hook ({@code aws dynamodb create-table --cli-input-json}) and the CDK.
 *
 * <p>Fields outside the supported subset are rejected by name rather than silently dropped: a table
 * that exists here without an index the CDK creates would only fail much later.
 */
public final class TableDefinitions {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TABLE_FIELDS = Set.of("TableName", "BillingMode", "AttributeDefinitions",
      "KeySchema", "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "ProvisionedThroughput");
  private static final Set<String> GSI_FIELDS = Set.of("IndexName", "KeySchema", "Projection", "ProvisionedThroughput");
  private static final Set<String> LSI_FIELDS = Set.of("IndexName", "KeySchema", "Projection");

  private final List<CreateTableRequest> tables;

  private TableDefinitions(List<CreateTableRequest> tables) {
    this.tables = List.copyOf(tables);
  }

  public static TableDefinitions load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new DevStackException("tables file " + file.toAbsolutePath()
          + " does not exist: run from the repository root or pass --tables");
    } catch (IOException e) {
      throw new DevStackException("cannot read tables file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
    try {
      return parse(text);
    } catch (DevStackException e) {
      throw new DevStackException("tables file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  public static TableDefinitions parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new DevStackException("not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()));
    }
    if (root == null || !root.isArray()) {
      throw new DevStackException("expected a JSON array of CreateTable inputs");
    }
    List<CreateTableRequest> tables = new ArrayList<>();
    Set<String> names = new TreeSet<>();
    for (int i = 0; i < root.size(); i++) {
      CreateTableRequest table = table(root.get(i), "[" + i + "]");
      if (!names.add(table.tableName())) {
        throw new DevStackException("table " + table.tableName() + " is defined twice");
      }
      tables.add(table);
    }
    return new TableDefinitions(tables);
  }

  public List<CreateTableRequest> tables() {
    return tables;
  }

  public List<String> tableNames() {
    return tables.stream().map(CreateTableRequest::tableName).toList();
  }

  /**
   * Creates every table that does not exist yet and waits until all tables and their indexes are
   * ACTIVE. An existing table whose keys or index names differ from the definition is an error:
   * a persistent data folder from before a schema change must be reset, not half-used.
   */
  public void ensureCreated(DynamoDbClient dynamo, Duration timeout) {
    for (CreateTableRequest table : tables) {
      TableDescription existing = describeOrNull(dynamo, table.tableName());
      if (existing == null) {
        dynamo.createTable(table);
      } else {
        checkMatches(table, existing);
      }
    }
    Instant deadline = Instant.now().plus(timeout);
    for (CreateTableRequest table : tables) {
      while (!active(describeOrNull(dynamo, table.tableName()))) {
        if (Instant.now().isAfter(deadline)) {
          throw new DevStackException("table " + table.tableName() + " did not become ACTIVE within " + timeout);
        }
        pause();
      }
    }
  }

  private static TableDescription describeOrNull(DynamoDbClient dynamo, String tableName) {
    try {
      return dynamo.describeTable(b -> b.tableName(tableName)).table();
    } catch (ResourceNotFoundException e) {
      return null;
    }
  }

  private static boolean active(TableDescription table) {
    return table != null && table.tableStatus() == TableStatus.ACTIVE
        && table.globalSecondaryIndexes().stream()
            .map(GlobalSecondaryIndexDescription::indexStatus)
            .allMatch(status -> status == null || status == IndexStatus.ACTIVE);
  }

  private static void checkMatches(CreateTableRequest wanted, TableDescription existing) {
    List<String> problems = new ArrayList<>();
    if (!keys(wanted.keySchema()).equals(keys(existing.keySchema()))) {
      problems.add("key schema " + keys(existing.keySchema()) + " instead of " + keys(wanted.keySchema()));
    }
    Set<String> wantedIndexes = names(wanted.globalSecondaryIndexes(), GlobalSecondaryIndex::indexName);
    Set<String> existingIndexes = names(existing.globalSecondaryIndexes(), GlobalSecondaryIndexDescription::indexName);
    if (!wantedIndexes.equals(existingIndexes)) {
      problems.add("global secondary indexes " + existingIndexes + " instead of " + wantedIndexes);
    }
    if (!problems.isEmpty()) {
      throw new DevStackException("table " + wanted.tableName() + " already exists with " + String.join(" and ", problems)
          + ": its definition changed since the data folder was created; delete the data folder's dynamodb"
          + " directory to recreate the tables");
    }
  }

  private static List<String> keys(List<KeySchemaElement> schema) {
    return schema.stream().map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList();
  }

  private static <T> Set<String> names(List<T> items, Function<T, String> name) {
    Set<String> names = new TreeSet<>();
    items.forEach(item -> names.add(name.apply(item)));
    return names;
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DevStackException("interrupted while waiting for tables", e);
    }
  }

  // ---- JSON (DynamoDB API shape) to SDK builders ----

  private static CreateTableRequest table(JsonNode node, String where) {
    if (node != null && node.path("TableName").isTextual()) {
      where = where + " (" + node.get("TableName").asText() + ")";
    }
    requireObject(node, where, TABLE_FIELDS);
    String name = text(node, "TableName", where);
    String at = where;
    CreateTableRequest.Builder builder = CreateTableRequest.builder()
        .tableName(name)
        .attributeDefinitions(list(node, "AttributeDefinitions", at, true, TableDefinitions::attribute))
        .keySchema(keySchema(node, at));
    if (node.has("BillingMode")) {
      builder.billingMode(text(node, "BillingMode", at));
    }
    if (node.has("ProvisionedThroughput")) {
      builder.provisionedThroughput(throughput(node.get("ProvisionedThroughput"), at + ".ProvisionedThroughput"));
    }
    if (node.has("GlobalSecondaryIndexes")) {
      builder.globalSecondaryIndexes(list(node, "GlobalSecondaryIndexes", at, false, TableDefinitions::gsi));
    }
    if (node.has("LocalSecondaryIndexes")) {
      builder.localSecondaryIndexes(list(node, "LocalSecondaryIndexes", at, false, TableDefinitions::lsi));
    }
    return builder.build();
  }

  private static AttributeDefinition attribute(JsonNode node, String where) {
    requireObject(node, where, Set.of("AttributeName", "AttributeType"));
    return AttributeDefinition.builder()
        .attributeName(text(node, "AttributeName", where))
        .attributeType(text(node, "AttributeType", where))
        .build();
  }

  private static List<KeySchemaElement> keySchema(JsonNode parent, String where) {
    return list(parent, "KeySchema", where, true, (node, at) -> {
      requireObject(node, at, Set.of("AttributeName", "KeyType"));
      return KeySchemaElement.builder()
          .attributeName(text(node, "AttributeName", at))
          .keyType(text(node, "KeyType", at))
          .build();
    });
  }

  private static GlobalSecondaryIndex gsi(JsonNode node, String where) {
    requireObject(node, where, GSI_FIELDS);
    GlobalSecondaryIndex.Builder builder = GlobalSecondaryIndex.builder()
        .indexName(text(node, "IndexName", where))
        .keySchema(keySchema(node, where))
        .projection(projection(node, where));
    if (node.has("ProvisionedThroughput")) {
      builder.provisionedThroughput(throughput(node.get("ProvisionedThroughput"), where + ".ProvisionedThroughput"));
    }
    return builder.build();
  }

  private static LocalSecondaryIndex lsi(JsonNode node, String where) {
    requireObject(node, where, LSI_FIELDS);
    return LocalSecondaryIndex.builder()
        .indexName(text(node, "IndexName", where))
        .keySchema(keySchema(node, where))
        .projection(projection(node, where))
        .build();
  }

  private static Projection projection(JsonNode parent, String where) {
    JsonNode node = parent.get("Projection");
    String at = where + ".Projection";
    if (node == null) {
      throw new DevStackException(at + " is missing");
    }
    requireObject(node, at, Set.of("ProjectionType", "NonKeyAttributes"));
    Projection.Builder builder = Projection.builder().projectionType(text(node, "ProjectionType", at));
    if (node.has("NonKeyAttributes")) {
      builder.nonKeyAttributes(list(node, "NonKeyAttributes", at, true, (item, itemAt) -> {
        if (!item.isTextual()) {
          throw new DevStackException(itemAt + " must be a string");
        }
        return item.asText();
      }));
    }
    return builder.build();
  }

  private static ProvisionedThroughput throughput(JsonNode node, String where) {
    requireObject(node, where, Set.of("ReadCapacityUnits", "WriteCapacityUnits"));
    return ProvisionedThroughput.builder()
        .readCapacityUnits(number(node, "ReadCapacityUnits", where))
        .writeCapacityUnits(number(node, "WriteCapacityUnits", where))
        .build();
  }

  private static void requireObject(JsonNode node, String where, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      throw new DevStackException(where + " must be a JSON object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!allowed.contains(field)) {
        throw new DevStackException(where + " has unsupported field " + field + " (supported: " + new TreeSet<>(allowed) + ")");
      }
    }
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new DevStackException(where + "." + field + " must be a non-empty string");
    }
    return value.asText();
  }

  private static long number(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToLong() || value.asLong() < 1) {
      throw new DevStackException(where + "." + field + " must be a positive integer");
    }
    return value.asLong();
  }

  private interface ItemParser<T> {
    T parse(JsonNode node, String where);
  }

  private static <T> List<T> list(JsonNode parent, String field, String where, boolean required, ItemParser<T> parser) {
    JsonNode array = parent.get(field);
    String at = where + "." + field;
    if (array == null || !array.isArray() || (required && array.isEmpty())) {
      throw new DevStackException(at + " must be a " + (required ? "non-empty " : "") + "JSON array");
    }
    List<T> items = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      items.add(parser.parse(array.get(i), at + "[" + i + "]"));
    }
    return items;
  }
}
