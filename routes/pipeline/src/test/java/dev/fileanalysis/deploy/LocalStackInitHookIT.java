package dev.fileanalysis.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.runtime.Settings;
import dev.fileanalysis.server.aws.AwsClients;
import dev.fileanalysis.server.testing.DevStackFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * LocalStack's init hook, run by python3 with boto3 as LocalStack would run it, against the embedded
 * emulators (s3proxy with SigV4 on, dynalite): starting from no bucket and no table, it leaves the
 * bucket compose's server uses and every table and index of localstack/tables.json, and a second run
 * (a LocalStack restart) changes nothing and does not fail.
 */
class LocalStackInitHookIT {

    private static final String INSTALL = "apt-get install -y python3-boto3";

    private static DevStackFixture devstack;

    @BeforeAll
    static void start() throws Exception {
        devstack = DevStackFixture.start();
    }

    @AfterAll
    static void stop() {
        if (devstack != null) {
            devstack.close();
        }
    }

    @Test
    void theHookCreatesTheBucketAndEveryTableAndIndexOfTablesJsonAndCanRunAgain() throws Exception {
        String python = pythonWithBoto3();
        Map<String, String> compose = ComposeFile.load(Images.home().resolve("docker-compose.yml")).service("localstack").environment();
        String bucket = compose.get("PIPELINE_BUCKET");
        JsonNode tables = new ObjectMapper().readTree(Images.home().resolve("localstack/tables.json").toFile());
        Settings emulators = devstack.settings();
        AwsClients aws = new AwsClients(emulators);
        try (S3Client s3 = aws.s3(); DynamoDbClient dynamoDb = aws.dynamoDb()) {
            // The devstack makes its bucket and tables itself: remove them, so only the hook can bring them back.
            s3.deleteBucket(request -> request.bucket(bucket));
            for (String table : dynamoDb.listTables().tableNames()) {
                dynamoDb.deleteTable(request -> request.tableName(table));
            }
            // A deleted table is listed (DELETING) until the emulator has dropped it.
            try (var waiter = dynamoDb.waiter()) {
                for (String table : dynamoDb.listTables().tableNames()) {
                    waiter.waitUntilTableNotExists(request -> request.tableName(table));
                }
            }
            assertThat(s3.listBuckets().buckets()).noneMatch(existing -> existing.name().equals(bucket));
            assertThat(dynamoDb.listTables().tableNames()).isEmpty();

            String firstRun = runHook(python, bucket, emulators);
            assertThat(firstRun).contains("bucket " + bucket + " created").contains("storage ready");

            s3.headBucket(request -> request.bucket(bucket));
            for (JsonNode table : tables) {
                assertTableAsDefined(dynamoDb, table);
            }

            String secondRun = runHook(python, bucket, emulators);
            assertThat(secondRun).contains("bucket " + bucket + " exists").contains("storage ready");
            for (JsonNode table : tables) {
                assertThat(secondRun).contains("table " + table.path("TableName").asText() + " exists");
            }
        }
    }

    private static void assertTableAsDefined(DynamoDbClient dynamoDb, JsonNode table) {
        String name = table.path("TableName").asText();
        TableDescription created = dynamoDb.describeTable(request -> request.tableName(name)).table();
        assertThat(keys(created.keySchema())).as("key schema of %s", name).isEqualTo(keys(table.path("KeySchema")));
        Map<String, Map<String, String>> indexes = new TreeMap<>();
        for (GlobalSecondaryIndexDescription index : created.globalSecondaryIndexes()) {
            indexes.put(index.indexName(), keys(index.keySchema()));
        }
        Map<String, Map<String, String>> defined = new TreeMap<>();
        for (JsonNode index : table.path("GlobalSecondaryIndexes")) {
            defined.put(index.path("IndexName").asText(), keys(index.path("KeySchema")));
        }
        assertThat(indexes).as("indexes of %s", name).isEqualTo(defined);
    }

    private static Map<String, String> keys(List<KeySchemaElement> schema) {
        Map<String, String> keys = new TreeMap<>();
        schema.forEach(element -> keys.put(element.attributeName(), element.keyTypeAsString()));
        return keys;
    }

    private static Map<String, String> keys(JsonNode schema) {
        Map<String, String> keys = new TreeMap<>();
        schema.forEach(element -> keys.put(element.path("AttributeName").asText(), element.path("KeyType").asText()));
        return keys;
    }

    /** Runs the hook as a plain python3 program with the environment LocalStack would give it, pointed at the emulators. */
    private static String runHook(String python, String bucket, Settings emulators) throws IOException, InterruptedException {
        Path hook = Images.home().resolve("localstack/ready.d/create-bucket-and-tables.py");
        Path output = Files.createTempFile("init-hook", ".log");
        ProcessBuilder builder = new ProcessBuilder(python, hook.toString()).redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("PIPELINE_"));
        environment.put("PIPELINE_TABLES_FILE", Images.home().resolve("localstack/tables.json").toString());
        environment.put("PIPELINE_BUCKET", bucket);
        environment.put("PIPELINE_S3_ENDPOINT", emulators.require("s3.endpoint"));
        environment.put("PIPELINE_DYNAMODB_ENDPOINT", emulators.require("dynamodb.endpoint"));
        environment.put("AWS_DEFAULT_REGION", emulators.require("aws.region"));
        // s3proxy checks SigV4 against the devstack's own key pair, where LocalStack takes test/test.
        environment.put("AWS_ACCESS_KEY_ID", emulators.require("aws.access-key-id"));
        environment.put("AWS_SECRET_ACCESS_KEY", emulators.require("aws.secret-access-key"));
        Process process = builder.start();
        boolean finished = process.waitFor(3, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String said = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        assertThat(finished).as("the hook finished within 3 minutes; it printed:%n%s", said).isTrue();
        assertThat(process.exitValue()).as("the hook's exit code; it printed:%n%s", said).isZero();
        return said;
    }

    /** Debian's python3 with python3-boto3 first (what CI installs), else a python3 on PATH that has boto3. */
    private static String pythonWithBoto3() throws InterruptedException {
        List<String> tried = new ArrayList<>();
        for (String python : List.of("/usr/bin/python3", "python3")) {
            try {
                Process probe = new ProcessBuilder(python, "-c", "import boto3").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!probe.waitFor(60, TimeUnit.SECONDS)) {
                    probe.destroyForcibly();
                    tried.add(python + " (did not answer)");
                    continue;
                }
                if (probe.exitValue() == 0) {
                    return python;
                }
                tried.add(python + " (no boto3)");
            } catch (IOException missing) {
                tried.add(python + " (not found)");
            }
        }
        fail("The LocalStack init hook runs on python3 with boto3, which this machine lacks (tried " + String.join(", ", tried)
                + "): " + INSTALL);
        return null;
    }
}
