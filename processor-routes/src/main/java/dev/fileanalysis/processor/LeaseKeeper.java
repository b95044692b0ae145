package dev.fileanalysis.processor;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.apiclient.ServerCallException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this processor's claims alive: the renew-leases route renews each job being analysed
 * ({@link #heldJobs()}, then {@link #renew(String)} per job) well within the lease. A job whose
 * renewal is refused was taken over (this processor was too slow or cut off); its work stops at
 * the next chunk, and its result would be refused anyway.
 *
 * <p>A renewal fails fast: one request, given up after {@link #renewalTimeout half the renewal
 * period}, and the next tick tries again. Spent on retries (the API's general budget is two
 * minutes), a renewal stuck behind a slow server would outlive the lease it is meant to keep.
 * A timeout or an unreachable server says nothing about who holds the job, so only a refusal
 * marks it lost.
 *
 * <p>Each time a worker here takes a job up is an attempt with its own number ({@link #hold}).
 * The server knows the processor, not its workers: when a job's lease ran out while its worker was
 * still at it, the server may hand the same job to this processor's idle worker as a new attempt.
 * From then on only the newest attempt may speak for the job ({@link #holds}): the server would
 * take an older one's giving back or failure for the newer attempt's, and the job would be tried
 * once more than its attempts allow.
 */
public final class LeaseKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
    /** A renewal never waits longer than this, however long the period between renewals. */
    private static final Duration LONGEST_RENEWAL = Duration.ofSeconds(10);

    private final ServerApiClient server;
    private final String processorId;
    private final Duration renewalTimeout;
    /** Jobs being analysed here; guarded by this. */
    private final Map<String, Lease> leases = new HashMap<>();
    /** Attempts taken up here so far: each taking-up gets the next number. Guarded by this. */
    private long takenUp;

    /** A job being analysed here. */
    private static final class Lease {
        /** The newest attempt on the job here, the only one that may speak for it. */
        long attempt;
        /**
         * How many workers here are on the job: a job given back after a failed attempt can be
         * claimed again by another worker before the one that gave it back has let go of it, and
         * that letting go must not end the new attempt's lease.
         */
        int holders;
        /** The server refused a renewal for {@link #attempt}: another processor holds the job now. */
        boolean lost;
    }

    /**
     * @param server     the server's API; renewals go through a fail-fast view of it
     * @param renewEvery the period of the renew-leases timer, {@code processor.lease-renew-ms}
     */
    public LeaseKeeper(ServerApiClient server, String processorId, Duration renewEvery) {
        this.renewalTimeout = renewalTimeout(renewEvery);
        this.server = server.failingFast(renewalTimeout);
        this.processorId = processorId;
    }

    /**
     * How long one renewal may wait for the server: half the renewal period (at most
     * {@link #LONGEST_RENEWAL}), so that a renewal that times out still leaves the lease the next
     * tick, and the one after it, to renew in (the lease is several renewal periods long).
     */
    static Duration renewalTimeout(Duration renewEvery) {
        if (renewEvery == null || renewEvery.toMillis() < 2) {
            throw new IllegalArgumentException("processor.lease-renew-ms must be a positive number of milliseconds, got "
                    + (renewEvery == null ? "none" : renewEvery.toMillis()) + ".");
        }
        Duration half = renewEvery.dividedBy(2);
        return half.compareTo(LONGEST_RENEWAL) > 0 ? LONGEST_RENEWAL : half;
    }

    Duration renewalTimeout() {
        return renewalTimeout;
    }

    /** A worker takes the job up; returns the number of this attempt, for {@link #holds}. */
    public synchronized long hold(String jobId) {
        Lease lease = leases.computeIfAbsent(jobId, id -> new Lease());
        lease.holders++;
        lease.attempt = ++takenUp;
        lease.lost = false;
        return lease.attempt;
    }

    /** A worker is done with the job; its lease is renewed no more once no worker here is on it. */
    public synchronized void letGo(String jobId) {
        Lease lease = leases.get(jobId);
        if (lease != null && --lease.holders <= 0) {
            leases.remove(jobId);
        }
    }

    /**
     * Whether {@code attempt} may still speak for the job: no other processor took it over and no
     * newer attempt took it up here since. False means: stop, and neither give it back nor fail it.
     */
    public synchronized boolean holds(String jobId, long attempt) {
        Lease lease = leases.get(jobId);
        return lease != null && lease.attempt == attempt && !lease.lost;
    }

    /** The jobs whose leases the next renewal keeps: those being analysed, but not those lost. */
    public synchronized List<String> heldJobs() {
        return leases.entrySet().stream().filter(held -> !held.getValue().lost).map(Map.Entry::getKey).sorted().toList();
    }

    /**
     * Renews one job's lease. A refusal (409: another processor holds it; 403, 404: not this
     * processor's, or gone) marks the job lost; any other failure is one log line, and the next
     * tick tries again.
     */
    public void renew(String jobId) {
        Long attempt = currentAttempt(jobId);
        if (attempt == null) {
            return;
        }
        try {
            server.renewLease(jobId, processorId);
        } catch (ServerCallException refused) {
            if (refused.status() == 409 || refused.status() == 403 || refused.status() == 404) {
                markLost(jobId, attempt, refused.getMessage());
            } else {
                LOG.warn("could not renew the lease of job {} ({}); trying again at the next renewal", jobId, refused.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("could not renew the lease of job {} within {} ms ({}); trying again at the next renewal",
                    jobId, renewalTimeout.toMillis(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private synchronized Long currentAttempt(String jobId) {
        Lease lease = leases.get(jobId);
        return lease == null || lease.lost ? null : lease.attempt;
    }

    /**
     * A refusal answers the renewal sent for {@code attempt}: if the job was given back and taken up
     * again here meanwhile, the refusal is about the old attempt, not the new one.
     */
    private synchronized void markLost(String jobId, long attempt, String why) {
        Lease lease = leases.get(jobId);
        if (lease != null && lease.attempt == attempt) {
            LOG.warn("lost job {}: {}", jobId, why);
            lease.lost = true;
        }
    }
}
