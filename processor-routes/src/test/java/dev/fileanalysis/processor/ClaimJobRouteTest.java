package dev.fileanalysis.processor;

import java.time.Duration;

import dev.fileanalysis.apiclient.ServerApiClient.ChunkDownloads;
import dev.fileanalysis.model.Job;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** claim-job.camel.yaml: idle workers get jobs, from the timer and the moment a worker frees up. */
class ClaimJobRouteTest extends ProcessorRouteTestSupport {

    @Test
    void theTimerClaimsAJobForEachIdleWorkerAndSplitsThemToTheAnalysisQueue() throws Exception {
        for (int n = 1; n <= 3; n++) {
            server.offer(signedJob("job-00000000-0000-4000-8000-00000000000" + n), new byte[] {(byte) n});
        }
        AdviceWith.adviceWith(context, "claim-job", route -> route.replaceFromWith("timer:claim-job?period=50"));
        AdviceWith.adviceWith(context, "claim-jobs", route -> route.weaveByToUri("seda:analyse-job").replace()
                .to("mock:analyse-job"));
        MockEndpoint analysis = getMockEndpoint("mock:analyse-job");
        analysis.expectedMessageCount(WORKERS);
        // Several ticks of the timer while both workers stay busy: no third claim.
        analysis.setAssertPeriod(500);
        startRoutesBut("analyse-job", "renew-leases");

        analysis.assertIsSatisfied();
        assertThat(analysis.getExchanges()).extracting(exchange -> exchange.getIn().getBody(ChunkDownloads.class).job().id())
                .containsExactly("job-00000000-0000-4000-8000-000000000001", "job-00000000-0000-4000-8000-000000000002");
        assertThat(analysis.getExchanges()).as("each job comes with its first chunk's URL")
                .allSatisfy(exchange -> assertThat(exchange.getIn().getBody(ChunkDownloads.class).urls()).hasSize(1));
        assertThat(server.callNames()).as("one claim for both idle workers, none while no worker is idle")
                .containsExactly("claim");
        assertThat(server.calls.get(0).body().path("max").asInt()).isEqualTo(WORKERS);
    }

    @Test
    void aWorkerThatFinishesAJobClaimsTheNextAtOnceWithoutWaitingForTheTimer() throws Exception {
        Job first = signedJob("job-00000000-0000-4000-8000-000000000011");
        Job next = signedJob("job-00000000-0000-4000-8000-000000000012");
        getMockEndpoint("mock:engine").whenAnyExchangeReceived(exchange -> {
            exchange.getIn().getBody(java.io.InputStream.class).readAllBytes();
            exchange.getMessage().setBody("{\"ok\":true}");
        });
        server.offer(first, new byte[] {1});
        // The timer ticks once, at start, and then not for an hour.
        startRoutesBut("renew-leases");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.callNames().contains("claim"));
        server.offer(next, new byte[] {2});

        await().atMost(Duration.ofSeconds(10)).until(() -> server.result(first.id()) != null && server.result(next.id()) != null);
        assertThat(server.result(next.id()).path("status").asText()).isEqualTo(Job.DONE);
        assertThat(server.chunkDownloadRequests).as("one-chunk jobs read from the URLs their claim carried").hasValue(0);
    }

    @Test
    void anIdleProcessorAsksLessAndLessOftenAndAsksAtOnceAgainOnceItFoundWork() throws Exception {
        // Asked from a loop as fast as it goes, to see only what the back-off lets through.
        JobClaimer idle = new JobClaimer(server.client(http), "processor-idle", ">=1.0.0 <2.0.0", 1, 50, 400);
        long started = System.nanoTime();
        while (server.callNames().size() < 5) {
            assertThat(idle.claimForIdleWorkers()).isEmpty();
        }
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(elapsedMillis).as("five empty asks, waits of 50, 100, 200 and 400 ms between them")
                .isGreaterThanOrEqualTo(750);

        server.offer(signedJob("job-00000000-0000-4000-8000-000000000021"), new byte[] {1});
        java.util.List<Job> claimed;
        do {
            claimed = idle.claimForIdleWorkers().stream().map(ChunkDownloads::job).toList();
        } while (claimed.isEmpty());
        assertThat(claimed).extracting(Job::id).containsExactly("job-00000000-0000-4000-8000-000000000021");
        int asked = server.callNames().size();
        idle.release();
        assertThat(idle.claimForIdleWorkers()).as("the worker freed up asks at once").isEmpty();
        assertThat(server.callNames()).hasSize(asked + 1);
    }
}
