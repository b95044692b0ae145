package dev.fileanalysis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.runtime.RoleRunner;
import dev.fileanalysis.runtime.Settings;
import dev.fileanalysis.server.auth.Caller;
import dev.fileanalysis.server.auth.SessionKeys;
import dev.fileanalysis.server.testing.DevStackFixture;
import org.apache.camel.main.Main;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /metrics and the settings the AWS stack gives the server, on the server as {@code pipeline server}
 * runs it (server-routes' routes, application.properties and beans) on the real devstack, over
 * HTTP. Two servers share the devstack's tables: one as the embedded default runs it (no scrape
 * token, its session keys in a file it makes), one as ECS runs it (its scrape token and session keys
 * given as the environment variables SERVER_METRICS_TOKEN and AUTH_SESSION_KEYS). The jobs are put
 * in the jobs table as clients and processors leave them, and claimed through the claim path itself.
 */
class ServerMetricsIT {

    private static final Path SERVER_ROUTES = Path.of(System.getProperty("pipeline.home", "..")).resolve("server-routes");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRAPE_TOKEN = "scrape-" + UUID.randomUUID();
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private static DevStackFixture devstack;
    private static RunningServer embedded;
    private static RunningServer onEcs;
    private static String sessionKeysSecret;
    private static JobStore jobs;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startServers() throws Exception {
        devstack = DevStackFixture.start();
        jobs = new JobStore(devstack.dynamoDb(), "pipeline-jobs");
        embedded = RunningServer.start("embedded", devstack.data(), Map.of());
        // the secret's value: a JWK set with its private parts, what a key file holds
        sessionKeysSecret = newKeySet().toString(false);
        onEcs = RunningServer.start("on-ecs", Files.createTempDirectory("server-on-ecs-"),
                Map.of("AUTH_SESSION_KEYS", sessionKeysSecret, "SERVER_METRICS_TOKEN", SCRAPE_TOKEN));
    }

    @AfterAll
    static void stopServers() throws InterruptedException {
        for (RunningServer server : new RunningServer[] {onEcs, embedded}) {
            if (server != null) {
                server.stop();
            }
        }
        if (devstack != null) {
            devstack.close();
        }
    }

    @Test
    void theClaimableBacklogPerProcessorVersionIsWhatTheClaimPathTakes() throws Exception {
        long leased = System.currentTimeMillis() + 600_000;
        uploading("1.2.0", 1);            // claimable: its first chunk landed
        uploaded("1.4.0");                // claimable
        uploading("1.0.0", 0);            // not yet: no chunk landed
        held(uploaded("1.3.0"), leased);  // not: a processor holds it under a valid lease
        uploaded("2.0.0");                // claimable, for processors of version 2
        held(uploaded("3.1.0"), leased);  // version 3 has work, but nothing to claim

        Map<String, Double> figures = scrape(embedded, null);

        assertThat(figures).containsEntry("pipeline_claimable_jobs{processor_version=\"1\"}", 2.0)
                .containsEntry("pipeline_claimable_jobs{processor_version=\"2\"}", 1.0)
                .containsEntry("pipeline_claimable_jobs{processor_version=\"3\"}", 0.0)
                .containsEntry("pipeline_jobs{status=\"UPLOADING\"}", 2.0)
                .containsEntry("pipeline_jobs{status=\"UPLOADED\"}", 2.0)
                .containsEntry("pipeline_jobs{status=\"PROCESSING\"}", 2.0);
        // what processors of each version take through the claim path is exactly that
        assertThat(claimAll(">=1.0.0 <2.0.0")).isEqualTo(2);
        assertThat(claimAll(">=2.0.0 <3.0.0")).isEqualTo(1);
        assertThat(claimAll(">=3.0.0 <4.0.0")).isZero();
        // and then nothing is claimable, every version still has its figure, and both servers say so
        for (Map<String, Double> after : List.of(scrape(embedded, null), scrape(onEcs, SCRAPE_TOKEN))) {
            assertThat(after).containsEntry("pipeline_claimable_jobs{processor_version=\"1\"}", 0.0)
                    .containsEntry("pipeline_claimable_jobs{processor_version=\"2\"}", 0.0)
                    .containsEntry("pipeline_claimable_jobs{processor_version=\"3\"}", 0.0)
                    .containsEntry("pipeline_jobs{status=\"PROCESSING\"}", 5.0);
        }
    }

    @Test
    void eachApiOperationsRequestsErrorsAndLatencyAreCounted() throws Exception {
        Map<String, Double> before = scrape(embedded, null);

        for (int call = 0; call < 3; call++) {
            assertThat(get(embedded, "/health", Map.of()).statusCode()).isEqualTo(200);
        }
        assertThat(get(embedded, "/api/me", Map.of()).statusCode()).isEqualTo(401);
        Map<String, Double> after = scrape(embedded, null);

        assertThat(after.get("pipeline_api_requests_seconds_count{operation=\"health\"}")
                - before.getOrDefault("pipeline_api_requests_seconds_count{operation=\"health\"}", 0.0)).isEqualTo(3.0);
        assertThat(after.get("pipeline_api_errors_total{operation=\"who-am-i\"}")
                - before.getOrDefault("pipeline_api_errors_total{operation=\"who-am-i\"}", 0.0)).isEqualTo(1.0);
        assertThat(after.get("pipeline_api_errors_total{operation=\"health\"}")
                - before.getOrDefault("pipeline_api_errors_total{operation=\"health\"}", 0.0)).isZero();
        assertThat(after.get("pipeline_api_requests_seconds_sum{operation=\"health\"}")).isPositive();
        assertThat(after).containsKey("pipeline_api_requests_seconds_bucket{operation=\"health\",le=\"0.25\"}");
    }

    @Test
    void withoutAScrapeTokenARequestAProxyForwardedIsRefused403WithASentence() throws Exception {
        HttpResponse<String> forwarded = get(embedded, "/metrics", Map.of("X-Forwarded-For", "203.0.113.7"));

        assertRefused(forwarded, 403, "/metrics does not answer a request a proxy forwarded");
    }

    @Test
    void withAScrapeTokenOnlyItsBearerIsAnsweredEvenFromThisMachine() throws Exception {
        assertRefused(get(onEcs, "/metrics", Map.of()), 401,
                "/metrics needs the scrape token: send 'Authorization: Bearer <the value of server.metrics-token>'.");
        assertRefused(get(onEcs, "/metrics", Map.of("Authorization", "Bearer " + SCRAPE_TOKEN + "x")), 401,
                "That is not this server's scrape token (server.metrics-token); /metrics stays closed.");
        // through a proxy, with the token: answered
        HttpResponse<String> scraped = get(onEcs, "/metrics", Map.of("Authorization", "Bearer " + SCRAPE_TOKEN,
                "X-Forwarded-For", "203.0.113.7"));
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.headers().firstValue("Content-Type")).contains(PROMETHEUS_TEXT);
        assertThat(scraped.body()).contains("# TYPE pipeline_claimable_jobs gauge");
    }

    @Test
    void sessionKeysGivenAsAValueAreTheOnesTheServerPublishesAndNoKeyFileIsWritten() throws Exception {
        JsonNode published = JSON.readTree(get(onEcs, "/auth/jwks.json", Map.of()).body());

        assertThat(published).isEqualTo(JSON.readTree(JWKSet.parse(sessionKeysSecret).toPublicJWKSet().toString(true)));
        assertThat(onEcs.data.resolve("server")).as("no key file, nor its folder").doesNotExist();
        // the embedded default keeps making its own file
        assertThat(devstack.data().resolve("server/session-keys.json")).exists();
        assertThat(JSON.readTree(get(embedded, "/auth/jwks.json", Map.of()).body())).isNotEqualTo(published);
    }

    // ---- jobs as clients and processors leave them

    private static Job uploading(String version, int chunks) {
        String id = "job-" + UUID.randomUUID();
        assertThat(jobs.reserve(id, "owner", "org-test", "pipeline-chunks", "us-east-1", "file-" + UUID.randomUUID())).isTrue();
        Job reservation = jobs.find(id).orElseThrow().job();
        Job registered = jobs.register(new Job(id, version, Instant.now().toString(), "pipeline-chunks", "us-east-1",
                reservation.file(), "client-04" + "ab".repeat(64), "30", Job.UPLOADING, 0, null, null, null, null, null)).orElseThrow();
        return chunks == 0 ? registered : jobs.recordUploadProgress(id, chunks);
    }

    private static Job uploaded(String version) {
        Job job = uploading(version, 1);
        return jobs.completeUpload(job.id(), 1);
    }

    private static void held(Job job, long leaseUntil) {
        jobs.claim(job, "processor-" + UUID.randomUUID(), System.currentTimeMillis(), leaseUntil - System.currentTimeMillis())
                .orElseThrow();
    }

    /** Claims, as processors of that range do, until no job is left for them; how many they took. */
    private static int claimAll(String range) {
        ProcessorApi claims = new ProcessorApi(jobs, null, null, 600_000, 2000);
        int taken = 0;
        Map<String, Object> body = Map.of("processor", "processor-" + UUID.randomUUID(), "versions", range);
        while (claims.claim(Caller.processor("processor"), body) != null) {
            taken++;
        }
        return taken;
    }

    // ---- HTTP

    private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+(?:\\{[^}]*\\})?) (\\S+)$");

    /** The scrape as name{labels} to value, after checking it is an answer in Prometheus's text format. */
    private static Map<String, Double> scrape(RunningServer server, String token) throws Exception {
        HttpResponse<String> response = get(server, "/metrics", token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
        assertThat(response.statusCode()).as("GET /metrics: %s", response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains(PROMETHEUS_TEXT);
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (!line.startsWith("#") && sample.matches()) {
                samples.put(sample.group(1), Double.valueOf(sample.group(2)));
            }
        }
        return samples;
    }

    private static HttpResponse<String> get(RunningServer server, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + path))
                .timeout(Duration.ofSeconds(30)).GET();
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(HttpResponse<String> response, int status, String sentence) throws Exception {
        assertThat(response.statusCode()).as("status; body %s", response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(JSON.readTree(response.body()).path("error").asText()).contains(sentence);
    }

    private static JWKSet newKeySet() throws Exception {
        Path file = Files.createTempDirectory("session-keys-").resolve("keys.json");
        SessionKeys.fromFile(file);
        return JWKSet.load(file.toFile());
    }

    /** A server role in this JVM, as RoleRunner runs it, with its environment variables given as a map. */
    private record RunningServer(Main main, Thread thread, int port, Path data) {

        static RunningServer start(String name, Path data, Map<String, String> environment) throws Exception {
            int port = AvailablePortFinder.getNextAvailable();
            Settings settings = Settings.load(SERVER_ROUTES.resolve("application.properties"),
                    devstack.data().resolve("devstack.properties"), environment,
                    List.of("pipeline.data=" + data, "pipeline.routes=" + SERVER_ROUTES.toAbsolutePath(), "camel.server.port=" + port));
            Main main = RoleRunner.create("server", SERVER_ROUTES, settings);
            Thread thread = new Thread(() -> {
                try {
                    main.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "server-" + name);
            thread.start();
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> !thread.isAlive() || main.getCamelContext() != null && main.getCamelContext().isStarted());
            assertThat(thread.isAlive()).as("server %s started", name).isTrue();
            return new RunningServer(main, thread, port, data);
        }

        void stop() throws InterruptedException {
            main.completed();
            thread.join(Duration.ofSeconds(30).toMillis());
        }
    }
}
