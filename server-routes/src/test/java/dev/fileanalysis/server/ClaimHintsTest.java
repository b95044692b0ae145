package dev.fileanalysis.server;

import dev.fileanalysis.model.Job;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** An empty shard is skipped for the quiet time, but never when a job's entry overtook the walk that found it empty. */
class ClaimHintsTest {

    private static final String STATUS = Job.UPLOADED;

    @Test
    void aShardFoundEmptyIsSkippedForTheQuietTimeThenLookedAtAgain() {
        ClaimHints hints = new ClaimHints();
        long now = 1_000_000;
        long before = hints.entriesBefore(STATUS, 3);

        hints.sawEmpty(STATUS, 3, now, before);

        assertThat(hints.quiet(STATUS, 3, now + 1)).isTrue();
        assertThat(hints.quiet(STATUS, 4, now + 1)).as("another shard").isFalse();
        assertThat(hints.quiet(STATUS, 3, now + ClaimHints.QUIET_MILLIS)).isFalse();
    }

    @Test
    void aJobThatEntersWhileTheWalkIsOnItsWayKeepsTheShardLookedAt() {
        ClaimHints hints = new ClaimHints();
        long now = 1_000_000;
        long before = hints.entriesBefore(STATUS, 3);
        // the walk's query came back empty; then the job's write and its entry, then the verdict
        hints.entered(STATUS, 3);
        hints.sawEmpty(STATUS, 3, now, before);

        assertThat(hints.quiet(STATUS, 3, now + 1)).isFalse();
    }

    @Test
    void aShardAJobEnteredJustNowIsNotMarkedQuietWhileTheIndexMayLag() {
        ClaimHints hints = new ClaimHints();
        long now = 1_000_000;
        hints.entered(STATUS, 3);
        // a walk begun after the entry, whose query the index did not show the job to yet
        long before = hints.entriesBefore(STATUS, 3);
        hints.sawEmpty(STATUS, 3, now, before);

        assertThat(hints.quiet(STATUS, 3, now + 1)).isFalse();
    }

    @Test
    void aShardFoundEmptyAgainAndAgainIsSkippedLongerUpToTheLongestQuietTime() {
        ClaimHints hints = new ClaimHints();
        long now = 1_000_000;
        long[] quietFor = new long[5];
        for (int find = 0; find < quietFor.length; find++) {
            hints.sawEmpty(STATUS, 3, now, hints.entriesBefore(STATUS, 3));
            quietFor[find] = quietTime(hints, now);
            now += quietFor[find];
        }
        assertThat(quietFor).containsExactly(2000, 4000, 8000, 8000, 8000);

        hints.sawJobs(STATUS, 3);
        hints.sawEmpty(STATUS, 3, now, hints.entriesBefore(STATUS, 3));
        assertThat(quietTime(hints, now)).as("after a walk that found jobs").isEqualTo(ClaimHints.QUIET_MILLIS);
    }

    @Test
    void withNoJobHeldNoTakeoverIsLookedForBeforeHalfALease() {
        ClaimHints hints = new ClaimHints(60_000);
        long now = 1_000_000;
        hints.noTakeoverBefore(Long.MAX_VALUE, now);

        assertThat(hints.worthLooking(Job.PROCESSING, now + 29_999)).isFalse();
        assertThat(hints.worthLooking(Job.PROCESSING, now + 30_000)).isTrue();
        assertThat(hints.worthLooking(Job.UPLOADED, now + 1)).as("other statuses are not held").isTrue();

        hints.noTakeoverBefore(now + 5_000, now);
        assertThat(hints.worthLooking(Job.PROCESSING, now + 5_000)).as("the earliest lease of the jobs held").isTrue();
    }

    /** How long the shard stays quiet from {@code now}, in whole seconds (the quiet times are). */
    private static long quietTime(ClaimHints hints, long now) {
        long quiet = 0;
        while (hints.quiet(STATUS, 3, now + quiet)) {
            quiet += 1000;
        }
        return quiet;
    }
}
