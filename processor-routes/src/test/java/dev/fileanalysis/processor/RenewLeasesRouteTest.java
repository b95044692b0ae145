package dev.fileanalysis.processor;

import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** renew-leases.camel.yaml: the jobs being analysed keep their leases; one taken over is let go. */
class RenewLeasesRouteTest extends ProcessorRouteTestSupport {

    /** The route's own timer, ticking every 50 ms; the lease keeper still gives a renewal {@code RENEW_EVERY / 2}. */
    @Override
    Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("processor.lease-renew-ms", "50");
        return settings;
    }

    @Test
    void theLeaseOfEachJobBeingAnalysedIsRenewedAndOneTakenOverOrDeletedIsMarkedLost() throws Exception {
        long kept = leases.hold("job-kept");
        long taken = leases.hold("job-taken");
        long deleted = leases.hold("job-deleted");
        server.takenOver.add("job-taken");
        server.deleted.add("job-deleted");
        startRoutesBut("claim-job", "analyse-job");

        await().atMost(Duration.ofSeconds(10)).until(() -> renewals("job-kept") >= 3);
        assertThat(leases.holds("job-taken", taken)).as("the work on it stops at its next chunk").isFalse();
        assertThat(leases.holds("job-deleted", deleted)).as("a job the server no longer has is lost too").isFalse();
        assertThat(leases.holds("job-kept", kept)).isTrue();
        assertThat(renewals("job-taken")).as("a lost job is not renewed again").isEqualTo(1);
        assertThat(renewals("job-deleted")).isEqualTo(1);
    }

    @Test
    void aRenewalLeftWithoutAnswerGivesUpWithinHalfTheRenewalPeriodAndTheNextTickRenewsAgain() throws Exception {
        long slow = leases.hold("job-slow");
        long kept = leases.hold("job-kept");
        server.renewalsHang.add("job-slow");
        startRoutesBut("claim-job", "analyse-job");

        // A tick ends when its last renewal has: a second renewal of either job means the first
        // one left hanging gave up. Retried within the API's general budget (two minutes), or
        // waiting out its general 30-second request timeout, it would not within this bound.
        Duration bound = leases.renewalTimeout().multipliedBy(5);
        assertThat(leases.renewalTimeout()).isEqualTo(RENEW_EVERY.dividedBy(2));
        await().atMost(bound).until(() -> renewals("job-slow") >= 2);
        assertThat(renewals("job-kept")).as("the job whose renewal was answered was renewed at each tick")
                .isGreaterThanOrEqualTo(2);
        assertThat(leases.holds("job-slow", slow)).as("no answer is not a refusal: the job is still this processor's")
                .isTrue();
        assertThat(leases.holds("job-kept", kept)).isTrue();
    }

    @Test
    void aJobClaimedAgainHereBeforeItsLastAttemptLetGoKeepsItsLeaseForTheNewAttempt() throws Exception {
        // A failed attempt gave the job back and the timer gave it to the other worker at once;
        // then the first worker finishes and lets go.
        leases.hold("job-retried");
        long retried = leases.hold("job-retried");
        leases.letGo("job-retried");
        startRoutesBut("claim-job", "analyse-job");

        await().atMost(Duration.ofSeconds(10)).until(() -> server.callNames().contains("lease job-retried"));
        assertThat(leases.holds("job-retried", retried)).isTrue();
        leases.letGo("job-retried");
        int renewals = server.callNames().size();
        // A tick that read the held jobs just before the let-go may still send one; no later tick may.
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(server.callNames()).as("no renewal once the last holder let go")
                        .hasSizeLessThanOrEqualTo(renewals + 1));
    }

    @Test
    void aNewerAttemptOnTheSameJobHereSupersedesTheOlderOne() {
        long older = leases.hold("job-again");
        long newer = leases.hold("job-again");

        assertThat(leases.holds("job-again", older)).as("the older attempt may no longer speak for the job").isFalse();
        assertThat(leases.holds("job-again", newer)).isTrue();
        leases.letGo("job-again");
        assertThat(leases.holds("job-again", newer)).as("the older attempt letting go leaves the newer one's lease")
                .isTrue();
        assertThat(leases.heldJobs()).containsExactly("job-again");
    }

    @Test
    void theRenewalTimeoutIsHalfTheRenewalPeriodAndNeverMoreThanTenSeconds() {
        assertThat(LeaseKeeper.renewalTimeout(Duration.ofMillis(1000))).isEqualTo(Duration.ofMillis(500));
        assertThat(LeaseKeeper.renewalTimeout(Duration.ofSeconds(15))).isEqualTo(Duration.ofMillis(7500));
        assertThat(LeaseKeeper.renewalTimeout(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(10));
    }

    private long renewals(String jobId) {
        return server.callNames().stream().filter(("lease " + jobId)::equals).count();
    }
}
