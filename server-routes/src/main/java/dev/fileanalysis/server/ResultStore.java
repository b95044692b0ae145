package dev.fileanalysis.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.fileanalysis.model.Result;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import static dev.fileanalysis.server.JobStore.namesIn;
import static dev.fileanalysis.server.JobStore.s;
import static dev.fileanalysis.server.JobStore.str;

/** The results table: results wait here, encrypted, until their client fetched and acknowledged them. */
public final class ResultStore {

    static final String CLIENT_INDEX = "client-created-index";

    private final DynamoDbClient dynamo;
    private final String table;

    public ResultStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /**
     * The id of a job's one result, derived from the job id: whoever stores a result for a job
     * (its processor, a retry of it, the sweep, the client abandoning it) stores it under this
     * id, so a job can never have two.
     */
    public static String idFor(String jobId) {
        return "result-" + java.util.UUID.nameUUIDFromBytes(jobId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Stores a result once; false when a result with that id is already there (a retried post). */
    public boolean putOnce(Result result, String owner) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(result.id()));
        item.put("job", s(result.job()));
        item.put("client", s(result.client()));
        item.put("status", s(result.status()));
        item.put("owner", s(owner));
        item.put("created", s(result.created()));
        if (result.payload() != null) {
            item.put("payload", s(result.payload()));
        }
        if (result.error() != null) {
            item.put("error", s(result.error()));
        }
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(namesIn("#id")).build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    public List<Result> forClient(String client, String owner, int limit) {
        List<Result> results = new ArrayList<>();
        var response = dynamo.query(QueryRequest.builder().tableName(table).indexName(CLIENT_INDEX)
                .keyConditionExpression("#client = :client")
                .filterExpression("#owner = :owner")
                .expressionAttributeNames(namesIn("#client #owner"))
                .expressionAttributeValues(Map.of(":client", s(client), ":owner", s(owner)))
                .limit(limit).build());
        for (Map<String, AttributeValue> item : response.items()) {
            results.add(toResult(item));
        }
        return results;
    }

    public Optional<String> ownerOf(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("id", s(id))).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.ofNullable(str(item, "owner"));
    }

    /**
     * Marks a result fetched: its device has it on disk, so it is no longer offered; it is kept
     * until the fetched-result retention runs out (an operator can still look at it meanwhile).
     * The client id moves to {@code fetchedClient}, which takes the item out of the sparse
     * client index: listing a device's results never wades through the ones it already has.
     */
    public void markFetched(String id, String fetchedAt) {
        try {
            dynamo.updateItem(request -> request.tableName(table).key(Map.of("id", s(id)))
                    .updateExpression("SET #fetched = :at, #fetchedClient = #client REMOVE #client")
                    .conditionExpression("attribute_exists(#client)")
                    .expressionAttributeNames(namesIn("#fetched #fetchedClient #client"))
                    .expressionAttributeValues(Map.of(":at", s(fetchedAt))));
        } catch (ConditionalCheckFailedException alreadyFetched) {
            // acknowledged before: nothing to do
        }
    }

    /**
     * Deletes results fetched before {@code fetchedBefore}, and results never fetched that were
     * created before {@code createdBefore}; returns how many.
     */
    public int deleteExpired(String fetchedBefore, String createdBefore, int limit) {
        String filter = "#fetched < :fetchedBefore OR (attribute_not_exists(#fetched) AND #created < :createdBefore)";
        var items = dynamo.scan(request -> request.tableName(table).filterExpression(filter)
                .expressionAttributeNames(namesIn(filter))
                .expressionAttributeValues(Map.of(":fetchedBefore", s(fetchedBefore), ":createdBefore", s(createdBefore)))
                .limit(limit)).items();
        for (Map<String, AttributeValue> item : items) {
            delete(str(item, "id"));
        }
        return items.size();
    }

    public void delete(String id) {
        dynamo.deleteItem(DeleteItemRequest.builder().tableName(table).key(Map.of("id", s(id))).build());
    }

    private static Result toResult(Map<String, AttributeValue> item) {
        String client = item.containsKey("client") ? str(item, "client") : str(item, "fetchedClient");
        return new Result(str(item, "id"), str(item, "job"), client, str(item, "status"),
                str(item, "payload"), str(item, "error"), str(item, "created"));
    }
}
