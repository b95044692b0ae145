package dev.fileanalysis.apiclient;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a call while its failure may be passing: connection errors and timeouts, and server
 * answers 5xx or 429. Waits grow exponentially with full jitter (a random wait between zero and
 * the current ceiling), so many clients coming back after an outage do not arrive in lockstep.
 * Gives up after {@code budget} and rethrows the last failure.
 */
public final class RetryPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

    /** Rides out a server restart or a short network outage. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMinutes(2));
    public static final RetryPolicy NONE = new RetryPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO);

    private final Duration firstWait;
    private final Duration longestWait;
    private final Duration budget;

    public RetryPolicy(Duration firstWait, Duration longestWait, Duration budget) {
        this.firstWait = firstWait;
        this.longestWait = longestWait;
        this.budget = budget;
    }

    @FunctionalInterface
    public interface Call<T> {
        T run() throws IOException, InterruptedException;
    }

    public <T> T run(String what, Call<T> call) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + budget.toNanos();
        long ceiling = Math.max(1, firstWait.toMillis());
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (IOException failure) {
                if (!retryable(failure) || System.nanoTime() >= deadline) {
                    throw failure;
                }
                long wait = ThreadLocalRandom.current().nextLong(ceiling + 1);
                LOG.info("{} failed (attempt {}: {}); retrying in {} ms", what, attempt, failure.getMessage(), wait);
                Thread.sleep(wait);
                ceiling = Math.min(longestWait.toMillis(), ceiling * 2);
            }
        }
    }

    static boolean retryable(IOException failure) {
        if (failure instanceof ServerCallException answered) {
            return answered.retryable();
        }
        if (failure instanceof com.fasterxml.jackson.core.JsonProcessingException) {
            // an answer we cannot read will not read better the second time
            return false;
        }
        // Connection refused or reset, timeouts, a server that went away mid-answer.
        return true;
    }
}
