package dev.fileanalysis.e2e;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many devices sending many files at once over loopback, bounded in count and time: every file
 * gets its correct result, no call fails, and the report gives the server's p50/p99 latency per
 * operation as the devices saw it (written to target/load-report.md).
 */
class LoadIT {

    private static final int DEVICES = 12;
    private static final int FILES_PER_DEVICE = 8;
    private static final Duration LIMIT = Duration.ofMinutes(5);

    @TempDir
    Path data;

    @Test
    void manyDevicesSendingAtOnceAllGetTheirResultsWithoutAnError() throws Exception {
        Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        try (RunningPipeline pipeline = RunningPipeline.start(data, "processor.claim-interval-ms=50", "processor.workers=4")) {
            URI serverUrl = pipeline.address("server");
            URI tokenUrl = URI.create(pipeline.devstack().getProperty("oidc.token-url"));
            ExecutorService devices = Executors.newFixedThreadPool(DEVICES);
            List<Future<?>> running = new ArrayList<>();
            long started = System.nanoTime();
            for (int d = 0; d < DEVICES; d++) {
                int deviceNumber = d;
                running.add(devices.submit(() -> {
                    try {
                        runDevice(new TestClient(serverUrl, "load-user-" + deviceNumber), deviceNumber, latencies);
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                    return null;
                }));
            }
            devices.shutdown();
            assertThat(devices.awaitTermination(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("load finished within " + LIMIT).isTrue();
            for (Future<?> device : running) {
                device.get();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            String report = report(latencies, seconds);
            System.out.println(report);
            Files.writeString(Path.of("target/load-report.md"), report);
        }
        assertThat(errors).as("errors under load").isEmpty();
        assertThat(latencies.get("reserve+register-job")).hasSize(DEVICES * FILES_PER_DEVICE);
        assertThat(latencies.get("acknowledge-result")).hasSize(DEVICES * FILES_PER_DEVICE);
    }

    private static void runDevice(TestClient device, int deviceNumber, Map<String, List<Long>> latencies) throws Exception {
        List<Job> jobs = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int f = 0; f < FILES_PER_DEVICE; f++) {
            byte[] content = EmbeddedPipelineIT.randomBytes(32 * 1024 + f * 1000, deviceNumber * 1000L + f);
            long t0 = System.nanoTime();
            Job job = device.register("1.0.0");
            record(latencies, "reserve+register-job", t0);
            long t1 = System.nanoTime();
            device.uploadChunk(job, 0, content);
            record(latencies, "presign+put-chunk", t1);
            long t2 = System.nanoTime();
            device.server.reportUploadProgress(job.id(), 1);
            record(latencies, "record-upload-progress", t2);
            long t3 = System.nanoTime();
            device.server.completeUpload(job.id(), 1);
            record(latencies, "complete-upload", t3);
            jobs.add(job);
            contents.add(content);
        }
        Map<String, Result> results = new ConcurrentHashMap<>();
        await().atMost(LIMIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            long t = System.nanoTime();
            for (Result result : device.server.results(device.keys.publicKey().clientId())) {
                results.put(result.job(), result);
            }
            record(latencies, "list-results", t);
            return results.size() >= jobs.size();
        });
        for (int f = 0; f < jobs.size(); f++) {
            Result result = results.get(jobs.get(f).id());
            if (result == null) {
                throw new AssertionError("no result for " + jobs.get(f).id() + " of device " + deviceNumber);
            }
            String sha = device.decrypt(result).path("sha256").asText();
            if (!Job.DONE.equals(result.status()) || !sha.equals(EmbeddedPipelineIT.sha256(contents.get(f)))) {
                throw new AssertionError("wrong result for " + jobs.get(f).id() + ": " + result.status() + " " + sha);
            }
            long t = System.nanoTime();
            device.server.acknowledgeResult(result.id());
            record(latencies, "acknowledge-result", t);
        }
    }

    private static void record(Map<String, List<Long>> latencies, String operation, long startedNanos) {
        latencies.computeIfAbsent(operation, k -> Collections.synchronizedList(new ArrayList<>()))
                .add(System.nanoTime() - startedNanos);
    }

    private static String report(Map<String, List<Long>> latencies, double seconds) {
        StringBuilder report = new StringBuilder("# Load test\n\n")
                .append(DEVICES).append(" devices x ").append(FILES_PER_DEVICE).append(" files, ")
                .append(String.format("%.1f", seconds)).append(" s, 0 errors allowed\n\n")
                .append("| operation | calls | p50 ms | p99 ms | max ms |\n| --- | --- | --- | --- | --- |\n");
        for (Map.Entry<String, List<Long>> entry : new TreeMap<>(latencies).entrySet()) {
            List<Long> sorted = new ArrayList<>(entry.getValue());
            Collections.sort(sorted);
            report.append(String.format("| %s | %d | %.1f | %.1f | %.1f |%n", entry.getKey(), sorted.size(),
                    percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.get(sorted.size() - 1) / 1e6));
        }
        return report.toString();
    }

    private static double percentile(List<Long> sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1e6;
    }
}
