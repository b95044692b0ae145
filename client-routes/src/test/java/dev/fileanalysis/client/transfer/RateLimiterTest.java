package dev.fileanalysis.client.transfer;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The token bucket on a fake clock: sleeping advances the clock, so nothing here really sleeps. */
class RateLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    /** A clock that only moves when someone sleeps on it (or a test moves it). */
    private static final class FakeTime {
        long now = 42 * SECOND;
        final List<Long> sleeps = new ArrayList<>();

        void sleep(long nanos) {
            sleeps.add(nanos);
            now += nanos;
        }
    }

    private final FakeTime time = new FakeTime();

    private RateLimiter limiter(String limit, long burst) {
        return new RateLimiter(BandwidthLimit.parse(limit), burst, () -> time.now, time::sleep);
    }

    @Test
    void aFullBurstGoesAtOnce() throws Exception {
        RateLimiter limiter = limiter("1M", 256 * 1024);

        limiter.acquire(256 * 1024);

        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void sustainedSendingRunsAtTheLimit() throws Exception {
        RateLimiter limiter = limiter("1M", 64 * 1024);
        long start = time.now;

        for (int i = 0; i < 160; i++) {
            limiter.acquire(64 * 1024); // 10 MiB in all
        }

        double seconds = (time.now - start) / (double) SECOND;
        // 10 MiB at 1 MiB/s, less the initial burst of 64 KiB
        assertThat(seconds).isCloseTo(10.0 - 64.0 / 1024, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void aRequestLargerThanTheBurstWaitsForItsWholeDebt() throws Exception {
        RateLimiter limiter = limiter("100Mbit", 1_250_000); // 12.5 MB/s, burst of 0.1 s

        limiter.acquire(4 * 1_250_000); // a 5 MB chunk

        assertThat(time.sleeps).hasSize(1);
        assertThat(time.sleeps.get(0)).isEqualTo(300_000_000L); // (5 MB - 1.25 MB burst) / 12.5 MB/s
    }

    @Test
    void idleTimeFillsTheBucketOnlyUpToTheBurst() throws Exception {
        RateLimiter limiter = limiter("1M", 1024 * 1024);
        limiter.acquire(1024 * 1024);
        time.now += 3600 * SECOND; // an hour idle

        limiter.acquire(1024 * 1024); // one burst: free
        limiter.acquire(1024 * 1024); // the next must be earned

        assertThat(time.sleeps).containsExactly(SECOND);
    }

    @Test
    void callersQueueBehindEarlierDebt() {
        RateLimiter limiter = limiter("1M", 1);

        long first = limiter.reserve(1024 * 1024);
        long second = limiter.reserve(1024 * 1024);

        // the second caller waits for the first one's bytes and then its own
        assertThat(second - first).isCloseTo(SECOND, org.assertj.core.data.Offset.offset(2L));
    }

    @Test
    void unlimitedNeverWaits() throws Exception {
        RateLimiter limiter = new RateLimiter(BandwidthLimit.UNLIMITED, 1, () -> time.now, time::sleep);

        limiter.acquire(Long.MAX_VALUE / 2);

        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void aLimitedStreamIsPacedByWhatIsRead() throws Exception {
        RateLimiter limiter = limiter("1M", 1024);
        long start = time.now;

        try (InputStream in = limiter.limit(new ByteArrayInputStream(new byte[3 * 1024 * 1024]))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }

        assertThat((time.now - start) / (double) SECOND).isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.01));
    }
}
