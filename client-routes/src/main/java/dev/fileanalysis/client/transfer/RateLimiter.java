package dev.fileanalysis.client.transfer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.function.LongSupplier;

/**
 * A token bucket shared by every upload of a process, so that all chunks in flight together stay
 * under one {@link BandwidthLimit}. A caller that takes more than is in the bucket goes into debt
 * and waits until the debt is paid back at the limit's rate; later callers queue behind that
 * debt, so the long-run rate is the limit whatever the size of each request. An idle bucket fills
 * only up to its burst, so a pause does not buy a later flood.
 *
 * <p>Time and sleeping are injected so that tests run on a fake clock without sleeping.
 */
public final class RateLimiter {

    /** Sleeps for a number of nanoseconds; {@link Thread#sleep} in production. */
    @FunctionalInterface
    public interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final BandwidthLimit limit;
    private final long burstBytes;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private double tokens;
    private long lastRefill;

    /** The production limiter: burst of a tenth of a second's worth (at least 64 KiB). */
    public static RateLimiter of(BandwidthLimit limit) {
        return new RateLimiter(limit, Math.max(64 * 1024, limit.bytesPerSecond() / 10), System::nanoTime,
                nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    public RateLimiter(BandwidthLimit limit, long burstBytes, LongSupplier nanoTime, Sleeper sleeper) {
        if (burstBytes <= 0) {
            throw new IllegalArgumentException("burst must be at least one byte, got " + burstBytes);
        }
        this.limit = limit;
        this.burstBytes = burstBytes;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.tokens = burstBytes;
        this.lastRefill = nanoTime.getAsLong();
    }

    public BandwidthLimit limit() {
        return limit;
    }

    /** Waits until {@code bytes} may be sent under the limit; returns at once when unlimited. */
    public void acquire(long bytes) throws InterruptedException {
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot acquire a negative number of bytes: " + bytes);
        }
        long wait = reserve(bytes);
        if (wait > 0) {
            sleeper.sleepNanos(wait);
        }
    }

    /** Takes {@code bytes} from the bucket and answers how long the caller must wait before sending them. */
    synchronized long reserve(long bytes) {
        if (limit.isUnlimited() || bytes == 0) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        double rate = limit.bytesPerSecond();
        tokens = Math.min(burstBytes, tokens + (now - lastRefill) * rate / NANOS_PER_SECOND);
        lastRefill = now;
        tokens -= bytes;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * NANOS_PER_SECOND / rate);
    }

    /** A stream whose reads are paced by this limiter, e.g. a request body being sent. */
    public InputStream limit(InputStream in) {
        if (limit.isUnlimited()) {
            return in;
        }
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    pace(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    pace(n);
                }
                return n;
            }

            private void pace(int n) throws InterruptedIOException {
                try {
                    acquire(n);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the bandwidth limit");
                }
            }
        };
    }
}
