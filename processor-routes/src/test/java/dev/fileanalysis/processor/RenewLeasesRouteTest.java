package dev.fileanalysis.processor;

import java.time.Duration;

import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** renew-leases.camel.yaml: the jobs being analysed keep their leases; one taken over is let go. */
class RenewLeasesRouteTest extends ProcessorRouteTestSupport {

    @Test
    void theLeaseOfEachJobBeingAnalysedIsRenewedAndOneTakenOverIsMarkedLost() throws Exception {
        leases.hold("job-kept");
        leases.hold("job-taken");
        server.takenOver.add("job-taken");
        AdviceWith.adviceWith(context, "renew-leases", route -> route.replaceFromWith("timer:renew-leases?period=50"));
        startRoutesBut("claim-job", "analyse-job");

        await().atMost(Duration.ofSeconds(10)).until(() -> server.callNames().stream()
                .filter("lease job-kept"::equals).count() >= 3);
        assertThat(leases.lost("job-taken")).as("the work on it stops at its next chunk").isTrue();
        assertThat(leases.lost("job-kept")).isFalse();
        assertThat(server.callNames().stream().filter("lease job-taken"::equals).count())
                .as("a lost job is not renewed again").isEqualTo(1);
    }

    @Test
    void aJobClaimedAgainHereBeforeItsLastAttemptLetGoKeepsItsLeaseForTheNewAttempt() throws Exception {
        // A failed attempt gave the job back and the timer gave it to the other worker at once;
        // then the first worker finishes and lets go.
        leases.hold("job-retried");
        leases.hold("job-retried");
        leases.letGo("job-retried");
        AdviceWith.adviceWith(context, "renew-leases", route -> route.replaceFromWith("timer:renew-leases?period=50"));
        startRoutesBut("claim-job", "analyse-job");

        await().atMost(Duration.ofSeconds(10)).until(() -> server.callNames().contains("lease job-retried"));
        leases.letGo("job-retried");
        int renewals = server.callNames().size();
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(server.callNames()).as("no renewal once the last holder let go")
                        .hasSize(renewals));
    }
}
