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
 *   <li>A queue shard found empty stays skipped for {@value #QUIET_MILLIS} ms, doubling with each
 *       further empty find up to {@value #MAX_QUIET_MILLIS} ms, unless a job enters it through
 *       this server (then claims look again at once). A job that enters it through
 *       another server is found at most that much later. A walk that a job's entry overtook (it
 *       entered between the walk's query and its verdict, or within the index's update lag)
 *       marks nothing quiet.</li>
 *   <li>After a claim looked at every held job and none had run out of its lease, no takeover is
 *       possible before the earliest of those leases ends: a lease only ever moves later (renewals),
 *       and a job claimed afterwards gets a lease ending later still.</li>
 * </ul>
 */
final class ClaimHints {

    /** How long a queue shard found empty is skipped by claims, the first time. */
    static final long QUIET_MILLIS = 2000;
    /**
     * The longest a shard found empty again and again is skipped: each further empty find doubles
     * the quiet time up to this. It bounds how long a job that entered through another server
     * waits while the whole fleet is idle (through this server, it is looked for at once).
     */
    static final long MAX_QUIET_MILLIS = 8000;

    /** Empty finds in a row per shard, since the last job seen in it or entered through this server. */
    private final ConcurrentHashMap<String, Integer> emptyFinds = new ConcurrentHashMap<>();
    /** How long no takeover can be due once no job is held at all: the shortest lease a claim grants. */
    private final long noHeldJobQuietMillis;

    ClaimHints() {
        this(QUIET_MILLIS);
    }

    /**
     * @param leaseMillis the lease every claim grants ({@code server.claim-lease-seconds}): when no
     *                    job is held, none claimed from now on can be taken over sooner than that
     */
    ClaimHints(long leaseMillis) {
        this.noHeldJobQuietMillis = Math.max(QUIET_MILLIS, leaseMillis / 2);
    }

    private final ConcurrentHashMap<String, Long> quietUntil = new ConcurrentHashMap<>();
    /**
     * How many jobs entered each shard through this server. A walk that found a shard empty
     * marks it quiet only if none entered while the walk was on its way: otherwise a job that
     * entered between the walk's query and its verdict would stay hidden for the quiet time.
     */
    private final ConcurrentHashMap<String, AtomicLong> entries = new ConcurrentHashMap<>();
    /** When a job last entered each shard through this server (System.currentTimeMillis()). */
    private final ConcurrentHashMap<String, Long> lastEntered = new ConcurrentHashMap<>();

    /**
     * A shard a job entered less than this long ago is never marked quiet: the claim index is a
     * global secondary index, which DynamoDB updates asynchronously (usually within a second), so
     * a query just after the write may not see the job yet.
     */
    static final long INDEX_LAG_MILLIS = 1000;
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

    /** What to hand {@link #sawEmpty} after a walk of the shard: taken before the walk's query. */
    long entriesBefore(String status, int shard) {
        AtomicLong count = entries.get(key(status, shard));
        return count == null ? 0 : count.get();
    }

    /**
     * A walk of the shard, begun when {@link #entriesBefore} said {@code entriesBefore}, found it
     * empty: it is quiet for {@value #QUIET_MILLIS} ms, unless a job entered it meanwhile.
     */
    void sawEmpty(String status, int shard, long nowMillis, long entriesBefore) {
        String key = key(status, shard);
        Long entered = lastEntered.get(key);
        if (entered != null && System.currentTimeMillis() - entered < INDEX_LAG_MILLIS) {
            return;
        }
        int finds = emptyFinds.merge(key, 1, Integer::sum);
        quietUntil.put(key, nowMillis + Math.min(MAX_QUIET_MILLIS, QUIET_MILLIS << Math.min(finds - 1, 16)));
        if (entriesBefore(status, shard) != entriesBefore) {
            // entered() ran while the walk was on its way (possibly between the lines above)
            quietUntil.remove(key);
            emptyFinds.remove(key);
        }
    }

    /** A walk found jobs in the shard: the next time it is found empty, it is quiet for the shortest time again. */
    void sawJobs(String status, int shard) {
        emptyFinds.remove(key(status, shard));
    }

    /** A job entered this queue shard through this server. */
    void entered(String status, int shard) {
        String key = key(status, shard);
        lastEntered.put(key, System.currentTimeMillis());
        emptyFinds.remove(key);
        entries.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        quietUntil.remove(key);
    }

    /**
     * A claim looked at every held job and could take over none: none can be taken over before
     * {@code earliestLeaseUntil} ({@link Long#MAX_VALUE} when no job was held; then a job claimed
     * from now on, through any server, holds a whole lease: looking again after half a lease
     * leaves room for servers' clocks to differ).
     */
    void noTakeoverBefore(long earliestLeaseUntil, long nowMillis) {
        noTakeoverBefore.set(earliestLeaseUntil == Long.MAX_VALUE ? nowMillis + noHeldJobQuietMillis : earliestLeaseUntil);
    }

    private static String key(String status, int shard) {
        return status + "#" + shard;
    }
}
