package dev.fileanalysis.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.fileanalysis.model.Job;

/**
 * What one server learnt about the claim queues, so that idle processors asking for work cost
 * almost no DynamoDB reads: a fleet of a thousand idle processors asks many times a second, and
 * without this every ask would query every shard of every claimable status.
 *
 * <p>Two facts, both safe to act on:
 * <ul>
 *   <li>A queue shard found empty stays skipped for {@value #QUIET_MILLIS} ms, unless a job enters
 *       it through this server (then claims look again at once). A job that enters it through
 *       another server is found at most that much later.</li>
 *   <li>After a claim looked at every held job and none had run out of its lease, no takeover is
 *       possible before the earliest of those leases ends: a lease only ever moves later (renewals),
 *       and a job claimed afterwards gets a lease ending later still.</li>
 * </ul>
 */
final class ClaimHints {

    /** How long an empty queue shard is skipped by claims: the longest a job entering it via another server waits. */
    static final long QUIET_MILLIS = 2000;

    private final ConcurrentHashMap<String, Long> quietUntil = new ConcurrentHashMap<>();
    private final AtomicLong noTakeoverBefore = new AtomicLong();

    /** Whether a claim should look at this status at all now. */
    boolean worthLooking(String status, long nowMillis) {
        return !Job.PROCESSING.equals(status) || nowMillis >= noTakeoverBefore.get();
    }

    /** Whether a claim may skip this shard of this status now. */
    boolean quiet(String status, int shard, long nowMillis) {
        Long until = quietUntil.get(key(status, shard));
        return until != null && nowMillis < until;
    }

    void sawEmpty(String status, int shard, long nowMillis) {
        quietUntil.put(key(status, shard), nowMillis + QUIET_MILLIS);
    }

    /** A job entered this queue shard through this server. */
    void entered(String status, int shard) {
        quietUntil.remove(key(status, shard));
    }

    /**
     * A claim looked at every held job and could take over none: none can be taken over before
     * {@code earliestLeaseUntil} ({@link Long#MAX_VALUE} when no job was held; then a job claimed
     * from now on holds a whole lease, and looking again after {@value #QUIET_MILLIS} ms is plenty).
     */
    void noTakeoverBefore(long earliestLeaseUntil, long nowMillis) {
        noTakeoverBefore.set(earliestLeaseUntil == Long.MAX_VALUE ? nowMillis + QUIET_MILLIS : earliestLeaseUntil);
    }

    private static String key(String status, int shard) {
        return status + "#" + shard;
    }
}
