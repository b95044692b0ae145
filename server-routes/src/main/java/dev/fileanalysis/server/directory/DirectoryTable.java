package dev.fileanalysis.server.directory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The directory table's mechanics: items by {@code pk}/{@code sk}, single-item conditional writes
 * (the emulator has no transactions), queries that follow every page. Attribute names in
 * expressions are always written {@code #name}, since DynamoDB reserves words such as name, role
 * and user.
 */
final class DirectoryTable {

    static final String LOOKUP_INDEX = "lookup-index";
    private static final Pattern NAME = Pattern.compile("#(\\w+)");

    private final DynamoDbClient dynamo;
    private final String table;

    DirectoryTable(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", s(pk), "sk", s(sk));
    }

    /** A new item with its key (and lookup, when not null) filled in. */
    static Map<String, AttributeValue> item(String pk, String sk, String lookup) {
        Map<String, AttributeValue> item = new HashMap<>(key(pk, sk));
        if (lookup != null) {
            item.put("lookup", s(lookup));
        }
        return item;
    }

    Optional<Map<String, AttributeValue>> get(String pk, String sk) {
        Map<String, AttributeValue> item = dynamo.getItem(request -> request.tableName(table).key(key(pk, sk)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    /** Puts the item when {@code condition} holds (null: always); false when it did not. */
    boolean put(Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values) {
        PutItemRequest.Builder request = PutItemRequest.builder().tableName(table).item(item);
        if (condition != null) {
            request.conditionExpression(condition).expressionAttributeNames(namesIn(condition));
            if (!values.isEmpty()) {
                request.expressionAttributeValues(values);
            }
        }
        try {
            dynamo.putItem(request.build());
            return true;
        } catch (ConditionalCheckFailedException refused) {
            return false;
        }
    }

    /**
     * Updates one item when {@code condition} holds (null: always) and returns its attributes as
     * {@code returning} asks; empty when the condition did not hold.
     */
    Optional<Map<String, AttributeValue>> update(String pk, String sk, String update, String condition,
                                                Map<String, AttributeValue> values, ReturnValue returning) {
        UpdateItemRequest.Builder request = UpdateItemRequest.builder().tableName(table).key(key(pk, sk))
                .updateExpression(update)
                .expressionAttributeNames(namesIn(update + " " + (condition == null ? "" : condition)))
                .returnValues(returning);
        if (condition != null) {
            request.conditionExpression(condition);
        }
        if (!values.isEmpty()) {
            request.expressionAttributeValues(values);
        }
        try {
            Map<String, AttributeValue> attributes = dynamo.updateItem(request.build()).attributes();
            return Optional.of(attributes == null ? Map.of() : attributes);
        } catch (ConditionalCheckFailedException refused) {
            return Optional.empty();
        }
    }

    boolean update(String pk, String sk, String update, String condition, Map<String, AttributeValue> values) {
        return update(pk, sk, update, condition, values, ReturnValue.NONE).isPresent();
    }

    /**
     * Items matching {@code filter}, found by a Scan: for the housekeeping sweep only, which runs
     * seldom and reads at most {@code limit} matches; everything a request needs is a key or index read.
     */
    List<Map<String, AttributeValue>> scanWhere(String filter, Map<String, AttributeValue> values, int limit) {
        List<Map<String, AttributeValue>> found = new ArrayList<>();
        for (Map<String, AttributeValue> item : dynamo.scanPaginator(request -> request.tableName(table)
                .filterExpression(filter).expressionAttributeNames(namesIn(filter)).expressionAttributeValues(values)).items()) {
            if (found.size() >= limit) {
                break;
            }
            found.add(item);
        }
        return found;
    }

    /** Deletes the item when {@code condition} holds (null: always); the deleted item, empty when there was none or the condition failed. */
    Optional<Map<String, AttributeValue>> delete(String pk, String sk, String condition, Map<String, AttributeValue> values) {
        DeleteItemRequest.Builder request = DeleteItemRequest.builder().tableName(table).key(key(pk, sk))
                .returnValues(ReturnValue.ALL_OLD);
        if (condition != null) {
            request.conditionExpression(condition).expressionAttributeNames(namesIn(condition));
            if (!values.isEmpty()) {
                request.expressionAttributeValues(values);
            }
        }
        try {
            Map<String, AttributeValue> old = dynamo.deleteItem(request.build()).attributes();
            return old == null || old.isEmpty() ? Optional.empty() : Optional.of(old);
        } catch (ConditionalCheckFailedException refused) {
            return Optional.empty();
        }
    }

    /** Every item of one partition whose sort key starts with {@code prefix}, read consistently. */
    List<Map<String, AttributeValue>> itemsOf(String pk, String prefix) {
        String condition = "#pk = :pk AND begins_with(#sk, :prefix)";
        return all(QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression(condition).expressionAttributeNames(namesIn(condition))
                .expressionAttributeValues(Map.of(":pk", s(pk), ":prefix", s(prefix))));
    }

    /**
     * Every item whose {@code lookup} is the given value, through the index. On DynamoDB an index
     * is eventually consistent: a write of a moment ago may be missing, so callers that just wrote
     * merge what they wrote themselves.
     */
    List<Map<String, AttributeValue>> lookup(String lookup) {
        String condition = "#lookup = :lookup";
        return all(QueryRequest.builder().tableName(table).indexName(LOOKUP_INDEX)
                .keyConditionExpression(condition).expressionAttributeNames(namesIn(condition))
                .expressionAttributeValues(Map.of(":lookup", s(lookup))));
    }

    private List<Map<String, AttributeValue>> all(QueryRequest.Builder query) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse page = dynamo.query(query.build());
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    private static Map<String, String> namesIn(String expressions) {
        Map<String, String> names = new HashMap<>();
        Matcher matcher = NAME.matcher(expressions);
        while (matcher.find()) {
            names.put("#" + matcher.group(1), matcher.group(1));
        }
        return names;
    }

    static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }

    static AttributeValue bool(boolean value) {
        return AttributeValue.builder().bool(value).build();
    }

    static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    static long num(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    static boolean bool(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value != null && Boolean.TRUE.equals(value.bool());
    }
}
