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
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

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
   * ACTIVE. A table that exists with other secondary indexes than its definition (a data folder
   * from before an index was added or dropped) is rebuilt with the definition and every item kept:
   * dynalite cannot add or drop an index of an existing table the way DynamoDB's UpdateTable does,
   * so the items move through a copy. An existing table whose key schema differs is an error.
   */
  public void ensureCreated(DynamoDbClient dynamo, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    for (CreateTableRequest table : tables) {
      TableDescription existing = describeOrNull(dynamo, table.tableName());
      TableDescription copy = describeOrNull(dynamo, rebuildCopyName(table.tableName()));
      if (copy != null) {
        // A rebuild was under way when the devstack stopped: finish it.
        rebuild(dynamo, table, existing, deadline);
      } else if (existing == null) {
        dynamo.createTable(table);
      } else if (!keys(table.keySchema()).equals(keys(existing.keySchema()))) {
        throw new DevStackException("table " + table.tableName() + " already exists with key schema "
            + keys(existing.keySchema()) + " instead of " + keys(table.keySchema())
            + ": its definition changed since the data folder was created; delete the data folder's dynamodb"
            + " directory to recreate the tables");
      } else if (!indexesMatch(table, existing)) {
        rebuild(dynamo, table, existing, deadline);
      }
    }
    for (CreateTableRequest table : tables) {
      awaitActive(dynamo, table.tableName(), deadline, timeout);
    }
  }

  /** The table that holds a table's items while it is rebuilt. */
  static String rebuildCopyName(String tableName) {
    return tableName + ".rebuilding";
  }

  /**
   * Rebuilds a table with its definition's indexes, keeping every item, in steps that can each be
   * cut short and resumed by the next start: copy every item into {@link #rebuildCopyName} (created
   * with the new definition), drop the table, create it anew, copy the items back, drop the copy.
   * The copy exists from the first step to the last, so a start that finds it knows where it was:
   * table still as before (copy again), table gone (create it), table as defined (copy back).
   */
  private void rebuild(DynamoDbClient dynamo, CreateTableRequest wanted, TableDescription existing, Instant deadline) {
    String name = wanted.tableName();
    String copyName = rebuildCopyName(name);
    Duration left = Duration.between(Instant.now(), deadline);
    if (existing != null && existing.tableStatus() == TableStatus.DELETING) {
      awaitGone(dynamo, name, deadline, left);
      existing = null;
    }
    if (existing != null && !indexesMatch(wanted, existing)) {
      System.err.println("devstack: table " + name + " has the indexes " + indexNames(existing) + " and its definition "
          + names(wanted.globalSecondaryIndexes(), GlobalSecondaryIndex::indexName) + ": rebuilding it, every item kept");
      if (describeOrNull(dynamo, copyName) == null) {
        dynamo.createTable(wanted.toBuilder().tableName(copyName).build());
      }
      awaitActive(dynamo, copyName, deadline, left);
      int copied = copyItems(dynamo, name, copyName);
      dynamo.deleteTable(b -> b.tableName(name));
      awaitGone(dynamo, name, deadline, left);
      System.err.println("devstack: " + copied + " items of " + name + " copied; creating it with its new indexes");
      existing = null;
    }
    if (existing == null) {
      dynamo.createTable(wanted);
    }
    awaitActive(dynamo, name, deadline, left);
    int restored = copyItems(dynamo, copyName, name);
    dynamo.deleteTable(b -> b.tableName(copyName));
    awaitGone(dynamo, copyName, deadline, left);
    System.err.println("devstack: table " + name + " rebuilt with " + restored + " items");
  }

  /** Puts every item of one table into another (a put of an item already there changes nothing). */
  private static int copyItems(DynamoDbClient dynamo, String from, String to) {
    int copied = 0;
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> exclusiveStart = start;
      ScanResponse page = dynamo.scan(b -> b.tableName(from).limit(100).exclusiveStartKey(exclusiveStart));
      List<Map<String, AttributeValue>> items = page.items();
      for (int i = 0; i < items.size(); i += 25) {
        List<WriteRequest> writes = items.subList(i, Math.min(items.size(), i + 25)).stream()
            .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build())
            .toList();
        Map<String, List<WriteRequest>> pending = Map.of(to, writes);
        while (!pending.isEmpty()) {
          Map<String, List<WriteRequest>> request = pending;
          pending = dynamo.batchWriteItem(b -> b.requestItems(request)).unprocessedItems();
        }
      }
      copied += items.size();
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return copied;
  }

  private static boolean indexesMatch(CreateTableRequest wanted, TableDescription existing) {
    return names(wanted.globalSecondaryIndexes(), GlobalSecondaryIndex::indexName).equals(indexNames(existing));
  }

  private static Set<String> indexNames(TableDescription table) {
    return names(table.globalSecondaryIndexes(), GlobalSecondaryIndexDescription::indexName);
  }

  private static void awaitActive(DynamoDbClient dynamo, String name, Instant deadline, Duration timeout) {
    while (!active(describeOrNull(dynamo, name))) {
      if (Instant.now().isAfter(deadline)) {
        throw new DevStackException("table " + name + " did not become ACTIVE within " + timeout);
      }
      pause();
    }
  }

  private static void awaitGone(DynamoDbClient dynamo, String name, Instant deadline, Duration timeout) {
    while (describeOrNull(dynamo, name) != null) {
      if (Instant.now().isAfter(deadline)) {
        throw new DevStackException("table " + name + " was not deleted within " + timeout);
      }
      pause();
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
