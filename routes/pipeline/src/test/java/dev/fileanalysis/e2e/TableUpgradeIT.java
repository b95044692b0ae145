package dev.fileanalysis.e2e;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A data folder written before the claim queues (the jobs table with status-created-index, jobs
 * without a queue) under {@code pipeline up} of this version: the devstack rebuilds the table with
 * its new index, the server gives the old jobs their queues, and every waiting file gets its result.
 */
class TableUpgradeIT {

    private static final Path TABLES_BEFORE = RunningPipeline.home().resolve("devstack/src/test/resources/tables-before-queue-index.json");

    @TempDir
    Path data;

    @Test
    void jobsWaitingInADataFolderFromBeforeTheQueueIndexAreClaimedAndFinishedAfterTheUpgrade() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int n = 0; n < 6; n++) {
            files.put("waiting-" + n + ".txt", ("a file waiting through an upgrade, number " + n + "\n").repeat(200)
                    .getBytes(StandardCharsets.UTF_8));
        }
        // 1. Files uploaded while no processor takes their version: their jobs wait, uploaded, unclaimed.
        try (RunningPipeline pipeline = RunningPipeline.start(data, "client.stable-ms=200", "client.poll-ms=100",
                "processor.supported-versions=>=9.0.0 <10.0.0")) {
            pipeline.drop(files);
            try (DynamoDbClient dynamo = EmbeddedPipelineIT.dynamo(pipeline.devstack())) {
                await().atMost(Duration.ofMinutes(2)).until(() -> uploadedJobs(dynamo) == files.size());
            }
        }

        // 2. The folder as the previous version left it: the table with its old index, no job with a queue.
        Process devstack = startDevStack(TABLES_BEFORE);
        try {
            try (DynamoDbClient dynamo = EmbeddedPipelineIT.dynamo(devstackProperties())) {
                assertThat(dynamo.describeTable(b -> b.tableName("pipeline-jobs")).table().globalSecondaryIndexes())
                        .extracting(index -> index.indexName()).contains("status-created-index");
                for (Map<String, AttributeValue> job : dynamo.scanPaginator(b -> b.tableName("pipeline-jobs")).items()) {
                    dynamo.updateItem(b -> b.tableName("pipeline-jobs").key(Map.of("id", job.get("id")))
                            .updateExpression("REMOVE #queue").expressionAttributeNames(Map.of("#queue", "queue")));
                }
            }
            devstack.getOutputStream().close();
            assertThat(devstack.waitFor(60, TimeUnit.SECONDS)).as("the devstack stopped").isTrue();
        } finally {
            devstack.destroyForcibly();
        }

        // 3. This version on that folder: every file gets its result.
        try (RunningPipeline pipeline = RunningPipeline.start(data, "client.stable-ms=200", "client.poll-ms=100",
                "client.result-poll-ms=250", "processor.claim-interval-ms=100")) {
            await().atMost(Duration.ofMinutes(3)).until(() -> resultNames(pipeline).size() == files.size());
            assertThat(resultNames(pipeline)).containsExactlyInAnyOrderElementsOf(
                    files.keySet().stream().map(name -> name + ".json").toList());
            for (Path result : resultFiles(pipeline)) {
                String name = result.getFileName().toString();
                assertThat(Files.readString(result)).as(name)
                        .contains(EmbeddedPipelineIT.sha256(files.get(name.substring(0, name.length() - ".json".length()))));
            }
        }
    }

    private static long uploadedJobs(DynamoDbClient dynamo) {
        return dynamo.scanPaginator(b -> b.tableName("pipeline-jobs")).items().stream()
                .filter(job -> job.containsKey("status") && "UPLOADED".equals(job.get("status").s()))
                .count();
    }

    private Process startDevStack(Path tables) throws Exception {
        Path home = RunningPipeline.home();
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
                home.resolve("devstack/target/devstack.jar").toString(), "--data", data.toString(), "--tables", tables.toString(),
                "--exit-on-stdin-close")
                .directory(home.toFile()).redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder printed = new StringBuilder();
        String line;
        while ((line = lines.readLine()) != null && !line.equals("devstack ready")) {
            printed.append(line).append('\n');
        }
        assertThat(line).as("the devstack got ready; it printed:\n" + printed).isEqualTo("devstack ready");
        Thread drain = new Thread(() -> lines.lines().forEach(ignored -> { }), "devstack-output");
        drain.setDaemon(true);
        drain.start();
        return process;
    }

    private Properties devstackProperties() throws Exception {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(data.resolve("devstack.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    private static List<String> resultNames(RunningPipeline pipeline) throws Exception {
        return resultFiles(pipeline).stream().map(path -> path.getFileName().toString()).toList();
    }

    private static List<Path> resultFiles(RunningPipeline pipeline) throws Exception {
        if (!Files.isDirectory(pipeline.results())) {
            return List.of();
        }
        try (Stream<Path> listed = Files.list(pipeline.results())) {
            return listed.filter(path -> path.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }
}
