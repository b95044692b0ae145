package dev.fileanalysis.processor;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fileanalysis.crypto.ResultCipher;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.ResultPlaintext;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * analyse-job.camel.yaml with {@code processor.engine-attempts=2}: an engine failure gives the job
 * back while attempts remain, and only the attempt the server counts now speaks for the job.
 */
class EngineAttemptsRouteTest extends ProcessorRouteTestSupport {

    EngineAttemptsRouteTest() {
        super(2);
    }

    @Test
    void aFirstAttemptWhoseEngineTimesOutGivesTheJobBackWithTheReason() throws Exception {
        Job job = signedJob("job-00000000-0000-4000-8000-000000000031");
        getMockEndpoint("mock:engine").whenAnyExchangeReceived(exchange -> {
            throw new SocketTimeoutException("Read timed out");
        });
        startRoutesBut("claim-job", "renew-leases");

        template.sendBody("seda:analyse-job", claimed(job));

        await().atMost(Duration.ofSeconds(10)).until(() -> server.callNames().contains("release " + job.id()));
        JsonNode release = server.calls.stream().filter(call -> call.what().equals("release " + job.id())).findFirst()
                .orElseThrow().body();
        assertThat(release.path("reason").asText()).contains("did not answer in time");
        assertThat(server.result(job.id())).as("attempts remain: no result yet").isNull();
    }

    @Test
    void aJobHandedBackToThisProcessorWhileItsFirstAttemptStillRunsIsAnsweredOnlyByTheNewAttempt() throws Exception {
        // The first attempt's lease ran out while its engine call hung (its renewals came too
        // late), and the server handed the job to this processor's idle worker as attempt 2. The
        // server cannot tell the two workers apart: both speak as this processor.
        Job job = signedJob("job-00000000-0000-4000-8000-000000000032");
        CountDownLatch firstAtEngine = new CountDownLatch(1);
        CountDownLatch secondAtEngine = new CountDownLatch(1);
        CountDownLatch firstMayFail = new CountDownLatch(1);
        CountDownLatch secondMayFail = new CountDownLatch(1);
        AtomicInteger engineCalls = new AtomicInteger();
        // A processor, not the mock endpoint: a mock serves one exchange at a time, and both
        // attempts must be at the engine at once.
        AdviceWith.adviceWith(context, "analyse-job", route -> route.weaveByToString("To\\[.*(engine-url|mock:engine).*").replace().process(exchange -> {
            boolean first = engineCalls.incrementAndGet() == 1;
            (first ? firstAtEngine : secondAtEngine).countDown();
            (first ? firstMayFail : secondMayFail).await(10, TimeUnit.SECONDS);
            throw new SocketTimeoutException("Read timed out");
        }));
        startRoutesBut("claim-job", "renew-leases");

        template.sendBody("seda:analyse-job", claimed(job));
        assertThat(firstAtEngine.await(10, TimeUnit.SECONDS)).isTrue();
        server.offerAgain(job.id(), 2);
        Job takenOver = claimer.claimForIdleWorkers().get(0).job();
        assertThat(takenOver.attempts()).isEqualTo(2);
        server.calls.clear();
        template.sendBody("seda:analyse-job", takenOver);
        assertThat(secondAtEngine.await(10, TimeUnit.SECONDS)).isTrue();

        // The first attempt fails while the second still runs: it must not give the job back,
        // which the server would take for attempt 2's word and offer the job a third time.
        firstMayFail.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.callNames().contains("claim"));
        assertThat(server.callNames()).as("the superseded attempt neither gave the job back nor failed it")
                .doesNotContain("release " + job.id(), "result " + job.id());

        secondMayFail.countDown();
        JsonNode stored = await().atMost(Duration.ofSeconds(10)).until(() -> server.result(job.id()), r -> r != null);
        assertThat(stored.path("status").asText()).as("attempt 2 of 2 ends the job").isEqualTo(Job.FAILED);
        ResultPlaintext failure = ResultPlaintext.readFor(job.id(), ResultCipher.decrypt(stored.path("payload").asText(), client));
        assertThat(failure.error()).contains("did not answer in time");
        assertThat(server.callNames()).doesNotContain("release " + job.id());
        assertThat(server.callNames().stream().filter(("result " + job.id())::equals).count()).isEqualTo(1);
    }

    /** The job as the stand-in offers it (claimed, with its chunks in storage), and the worker it takes. */
    private Job claimed(Job job) throws Exception {
        byte[] content = new byte[1_000];
        new Random(7).nextBytes(content);
        server.offer(job, content);
        Job claimed = claimer.claimForIdleWorkers().get(0).job();
        server.calls.clear();
        return claimed;
    }
}
