package dev.fileanalysis.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.fileanalysis.model.Job;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The jobs table. Every state change is a single conditional write, because two processors (or a
 * client retrying) may race for the same item and DynamoDB emulators have no transactions.
 *
 * <p>Item life: RESERVED (server handed out an id) → UPLOADING (client registered the signed job)
 * → PROCESSING (a processor claimed it, possibly while chunks are still landing) → DONE or FAILED.
 * A job whose upload finished before any processor claimed it waits as UPLOADED. The upload's own
 * progress is {@code chunks} / {@code totalChunks} / {@code uploaded}, independent of the status.
 */
public final class JobStore {

    public static final String RESERVED = "RESERVED";
    static final String STATUS_INDEX = "status-created-index";

    private final DynamoDbClient dynamo;
    private final String table;

    public JobStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** A stored job together with who owns it and the id of its result, once it has one. */
    public record StoredJob(Job job, String owner, String result) {
    }

    public void reserve(String id, String owner, String bucket, String region, String file) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(id));
        item.put("status", s(RESERVED));
        item.put("owner", s(owner));
        item.put("bucket", s(bucket));
        item.put("region", s(region));
        item.put("file", s(file));
        item.put("reserved", s(Instant.now().toString()));
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#id)")
                .expressionAttributeNames(namesIn("attribute_not_exists(#id)")).build());
    }

    public Optional<StoredJob> find(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("id", s(id))).consistentRead(true).build()).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(toStoredJob(item));
    }

    /** Turns a reservation into a registered job; false if it was not RESERVED any more. */
    public boolean register(Job job) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(job.id())))
                    .updateExpression("SET #status = :uploading, #version = :version, #created = :created, "
                            + "#client = :client, #signature = :signature, #chunks = :zero")
                    .conditionExpression("#status = :reserved")
                    .expressionAttributeNames(namesIn("#chunks #client #created #signature #status #version"))
                    .expressionAttributeValues(Map.of(
                            ":uploading", s(Job.UPLOADING), ":reserved", s(RESERVED),
                            ":version", s(job.version()), ":created", s(job.created()),
                            ":client", s(job.client()), ":signature", s(job.signature()), ":zero", n(0)))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Raises the contiguous chunk count; never lowers it. Returns the job as stored afterwards. */
    public Job recordUploadProgress(String id, int chunks) {
        try {
            return toStoredJob(dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(id)))
                    .updateExpression("SET #chunks = :chunks")
                    .conditionExpression("#chunks < :chunks AND attribute_not_exists(#uploaded)")
                    .expressionAttributeNames(namesIn("#chunks #uploaded"))
                    .expressionAttributeValues(Map.of(":chunks", n(chunks)))
                    .returnValues(ReturnValue.ALL_NEW).build()).attributes()).job();
        } catch (ConditionalCheckFailedException e) {
            return find(id).orElseThrow().job();
        }
    }

    /**
     * Marks the upload finished. A job nobody claimed yet becomes UPLOADED; a job a processor is
     * already streaming keeps PROCESSING and only learns its final chunk count.
     */
    public Job completeUpload(String id, int totalChunks) {
        String now = Instant.now().toString();
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":total", n(totalChunks), ":now", s(now), ":uploading", s(Job.UPLOADING), ":uploaded", s(Job.UPLOADED)));
        try {
            return toStoredJob(dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(id)))
                    .updateExpression("SET #totalChunks = :total, #chunks = :total, #uploaded = :now, #status = :uploaded")
                    .conditionExpression("#status = :uploading AND attribute_not_exists(#uploaded)")
                    .expressionAttributeNames(namesIn("#chunks #status #totalChunks #uploaded"))
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW).build()).attributes()).job();
        } catch (ConditionalCheckFailedException notUploading) {
            values.remove(":uploaded");
            values.remove(":uploading");
            values.put(":processing", s(Job.PROCESSING));
            try {
                return toStoredJob(dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(id)))
                        .updateExpression("SET #totalChunks = :total, #chunks = :total, #uploaded = :now")
                        .conditionExpression("#status = :processing AND attribute_not_exists(#uploaded)")
                    .expressionAttributeNames(namesIn("#chunks #status #totalChunks #uploaded"))
                    .expressionAttributeValues(values)
                        .returnValues(ReturnValue.ALL_NEW).build()).attributes()).job();
            } catch (ConditionalCheckFailedException alreadyDone) {
                // A retry of a completion that already landed, or a job that already ended.
                return find(id).orElseThrow().job();
            }
        }
    }

    /** Oldest claimable jobs of one status (UPLOADING or UPLOADED), at most {@code limit}. */
    public List<Job> claimable(String status, int limit) {
        List<Job> jobs = new ArrayList<>();
        var response = dynamo.query(QueryRequest.builder().tableName(table).indexName(STATUS_INDEX)
                .keyConditionExpression("#status = :status")
                    .expressionAttributeNames(namesIn("#status"))
                    .expressionAttributeValues(Map.of(":status", s(status)))
                .limit(limit).build());
        for (Map<String, AttributeValue> item : response.items()) {
            if (!item.containsKey("processor")) {
                jobs.add(toStoredJob(item).job());
            }
        }
        return jobs;
    }

    /**
     * Claims a job for one processor with a conditional write, so that of several processors
     * racing for the same job exactly one wins.
     */
    public Optional<Job> claim(String id, String seenStatus, String processor) {
        try {
            return Optional.of(toStoredJob(dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                    .key(Map.of("id", s(id)))
                    .updateExpression("SET #processor = :processor, #status = :processing, #claimed = :now")
                    .conditionExpression("attribute_not_exists(#processor) AND #status = :seen")
                    .expressionAttributeNames(namesIn("#claimed #processor #status"))
                    .expressionAttributeValues(Map.of(":processor", s(processor), ":processing", s(Job.PROCESSING),
                            ":now", s(Instant.now().toString()), ":seen", s(seenStatus)))
                    .returnValues(ReturnValue.ALL_NEW).build()).attributes()).job());
        } catch (ConditionalCheckFailedException lost) {
            return Optional.empty();
        }
    }

    public void recordAnalysisProgress(String id, String processor, int analysed) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(id)))
                    .updateExpression("SET #analysed = :analysed")
                    .conditionExpression("#processor = :processor AND #status = :processing")
                    .expressionAttributeNames(namesIn("#analysed #processor #status"))
                    .expressionAttributeValues(Map.of(":analysed", n(analysed), ":processor", s(processor),
                            ":processing", s(Job.PROCESSING)))
                    .build());
        } catch (ConditionalCheckFailedException e) {
            throw ApiException.conflict("Job " + id + " is not being processed by " + processor + ".");
        }
    }

    /** Ends a job held by {@code processor}; false when it does not hold it (any more). */
    public boolean finish(String id, String processor, String status, String resultId, String error) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":processor", s(processor), ":processing", s(Job.PROCESSING), ":status", s(status),
                ":result", s(resultId), ":now", s(Instant.now().toString())));
        String update = "SET #status = :status, #result = :result, #finished = :now";
        if (error != null) {
            update += ", #error = :error";
            values.put(":error", s(error));
        }
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(id)))
                    .updateExpression(update)
                    .conditionExpression("#processor = :processor AND #status = :processing")
                    .expressionAttributeNames(namesIn(update + " #processor #status"))
                    .expressionAttributeValues(values)
                    .build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Expression attribute names for every {@code #name} in the expressions: DynamoDB reserves
     * words such as status, owner and error, and refuses a names map with unused entries.
     */
    static Map<String, String> namesIn(String expressions) {
        Map<String, String> names = new HashMap<>();
        Matcher matcher = NAME.matcher(expressions);
        while (matcher.find()) {
            names.put("#" + matcher.group(1), matcher.group(1));
        }
        return names;
    }

    private static final Pattern NAME = Pattern.compile("#(\\w+)");

    static StoredJob toStoredJob(Map<String, AttributeValue> item) {
        Job job = new Job(str(item, "id"), str(item, "version"), str(item, "created"), str(item, "bucket"),
                str(item, "region"), str(item, "file"), str(item, "client"), str(item, "signature"),
                str(item, "status"), num(item, "chunks"), num(item, "totalChunks"), str(item, "processor"),
                str(item, "uploaded"), num(item, "analysed"), str(item, "error"));
        return new StoredJob(job, str(item, "owner"), str(item, "result"));
    }

    static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }

    static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    static Integer num(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? null : Integer.valueOf(value.n());
    }
}
