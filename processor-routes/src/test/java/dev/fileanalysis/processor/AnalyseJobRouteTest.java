package dev.fileanalysis.processor;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.crypto.ResultCipher;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.ResultPlaintext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** analyse-job.camel.yaml: a claimed job's chunks go into the engine and its answer back to the server, encrypted. */
class AnalyseJobRouteTest extends ProcessorRouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theJobsChunksStreamIntoTheEngineAndItsAnswerIsStoredEncryptedToTheJobsClient() throws Exception {
        byte[] content = random(200_000, 1);
        Job job = signedJob("job-00000000-0000-4000-8000-000000000001");
        MockEndpoint engine = getMockEndpoint("mock:engine");
        engine.whenAnyExchangeReceived(exchange -> {
            // What a real engine sees: its request body is the original file, rebuilt from the chunks.
            byte[] received = exchange.getIn().getBody(InputStream.class).readAllBytes();
            exchange.getMessage().setBody("{\"size\":" + received.length + ",\"same\":" + Arrays.equals(received, content)
                    + ",\"job\":\"" + exchange.getIn().getHeader("Job-Id") + "\"}");
        });
        startRoutesBut("claim-job", "renew-leases");

        template.sendBody("seda:analyse-job", offered(job, content));

        JsonNode stored = await().atMost(Duration.ofSeconds(10)).until(() -> server.result(job.id()), result -> result != null);
        assertThat(stored.path("status").asText()).isEqualTo(Job.DONE);
        ResultPlaintext result = ResultPlaintext.readFor(job.id(), ResultCipher.decrypt(stored.path("payload").asText(), client));
        assertThat(result.isDone()).isTrue();
        JsonNode answer = result.result();
        assertThat(answer.path("size").asInt()).isEqualTo(content.length);
        assertThat(answer.path("same").asBoolean()).as("the engine got the file's bytes in order").isTrue();
        assertThat(answer.path("job").asText()).as("the engine was told the job's id").isEqualTo(job.id());
    }

    @Test
    void theStoredResultDecryptsToTheJobsIdBesideTheEnginesAnswerSoTheDeviceCanTellWhichJobItAnswers() throws Exception {
        Job job = signedJob("job-00000000-0000-4000-8000-000000000005");
        getMockEndpoint("mock:engine").whenAnyExchangeReceived(exchange -> {
            exchange.getIn().getBody(InputStream.class).readAllBytes();
            exchange.getMessage().setBody("{ \"verdict\" : \"clean\" }");
        });
        startRoutesBut("claim-job", "renew-leases");

        template.sendBody("seda:analyse-job", offered(job, random(1_000, 5)));

        JsonNode stored = await().atMost(Duration.ofSeconds(10)).until(() -> server.result(job.id()), result -> result != null);
        String plaintext = new String(ResultCipher.decrypt(stored.path("payload").asText(), client), StandardCharsets.UTF_8);
        assertThat(plaintext).as("the contract with the client, byte for byte")
                .isEqualTo("{\"job\":\"" + job.id() + "\",\"result\":{\"verdict\":\"clean\"}}");
    }

    @Test
    void aFailedAnalysisStillDeliversItsFailureAndThenAsksForTheNextJob() throws Exception {
        Job job = signedJob("job-00000000-0000-4000-8000-000000000002");
        getMockEndpoint("mock:engine").whenAnyExchangeReceived(exchange -> {
            throw new java.net.ConnectException("Connection refused");
        });
        startRoutesBut("claim-job", "renew-leases");

        template.sendBody("seda:analyse-job", offered(job, random(1_000, 2)));

        await().atMost(Duration.ofSeconds(10)).until(() -> server.callNames().lastIndexOf("claim")
                > server.callNames().indexOf("result " + job.id()) && server.result(job.id()) != null);
        JsonNode stored = server.result(job.id());
        assertThat(stored.path("status").asText()).isEqualTo(Job.FAILED);
        JsonNode failure = JSON.readTree(ResultCipher.decrypt(stored.path("payload").asText(), client));
        assertThat(failure.path(ResultPlaintext.JOB).asText()).isEqualTo(job.id());
        assertThat(failure.path(ResultPlaintext.ERROR).asText()).contains("The analysis engine could not be reached");
        assertThat(failure.has(ResultPlaintext.RESULT)).isFalse();
        assertThat(leases.heldJobs()).as("its lease is let go").doesNotContain(job.id());
    }

    @Test
    void aFailureThatCannotBeDeliveredStillFreesTheWorkerAndAsksForTheNextJob() throws Exception {
        Job job = signedJob("job-00000000-0000-4000-8000-000000000003");
        getMockEndpoint("mock:engine").whenAnyExchangeReceived(exchange -> {
            throw new IllegalStateException("the engine broke");
        });
        AdviceWith.adviceWith(context, "analyse-job", route -> route.weaveByToString(".*deliverFailure.*").replace()
                .throwException(new java.io.IOException("the server is unreachable")));
        startRoutesBut("claim-job", "renew-leases");

        template.sendBody("seda:analyse-job", offered(job, random(1_000, 3)));

        await().atMost(Duration.ofSeconds(10)).until(() -> server.callNames().contains("claim"));
        assertThat(server.result(job.id())).isNull();
        server.offer(signedJob("job-00000000-0000-4000-8000-000000000013"), random(10, 13));
        server.offer(signedJob("job-00000000-0000-4000-8000-000000000023"), random(10, 23));
        // The last ask found nothing, so the claimer backs off once before asking again.
        java.util.List<Job> claimed = new java.util.concurrent.CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            claimer.claimForIdleWorkers().forEach(claim -> claimed.add(claim.job()));
            return claimed.size() >= WORKERS;
        });
        assertThat(claimed).as("both workers are idle again").hasSize(WORKERS);
    }

    @Test
    void aJobWhoseSignatureDoesNotMatchItsClientKeyNeverReachesTheEngineAndFailsInPlainWords() throws Exception {
        Job genuine = signedJob("job-00000000-0000-4000-8000-000000000004");
        Job forged = new Job(genuine.id(), genuine.version(), genuine.created(), "another-bucket", genuine.region(),
                genuine.file(), genuine.client(), genuine.signature(), null, null, null, null, null, null, null);
        MockEndpoint engine = getMockEndpoint("mock:engine");
        engine.expectedMessageCount(0);
        startRoutesBut("claim-job", "renew-leases");

        template.sendBody("seda:analyse-job", offered(forged, random(1_000, 4)));

        JsonNode stored = await().atMost(Duration.ofSeconds(10)).until(() -> server.result(forged.id()), r -> r != null);
        assertThat(stored.path("status").asText()).isEqualTo(Job.FAILED);
        assertThat(stored.path("error").asText()).contains("does not match its client key");
        engine.assertIsSatisfied();
    }

    /** The job as the stand-in offers it (claimed, with its chunks in storage), and the worker it takes. */
    private Job offered(Job job, byte[] content) throws Exception {
        server.offer(job, content);
        Job claimed = claimer.claimForIdleWorkers().get(0).job();
        server.calls.clear();
        return claimed;
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
