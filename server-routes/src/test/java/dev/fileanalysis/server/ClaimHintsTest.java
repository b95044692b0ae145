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
}
