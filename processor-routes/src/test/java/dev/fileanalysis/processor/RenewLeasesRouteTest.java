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
}
