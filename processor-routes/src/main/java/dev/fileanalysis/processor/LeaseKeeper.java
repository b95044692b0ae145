package dev.fileanalysis.processor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

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
 */
public final class LeaseKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
    /** A renewal never waits longer than this, however long the period between renewals. */
    private static final Duration LONGEST_RENEWAL = Duration.ofSeconds(10);

    private final ServerApiClient server;
    private final String processorId;
    private final Duration renewalTimeout;
    /**
     * Jobs being analysed, with how many of this processor's workers hold each: a job given back
     * after a failed attempt can be claimed again by another worker here before the worker that
     * gave it back has let go of it, and letting go must not end the new attempt's lease.
     */
    private final Map<String, Integer> held = new ConcurrentHashMap<>();
    private final Set<String> lost = ConcurrentHashMap.newKeySet();
    /**
     * How many times each job was taken up here: a refusal that answers a renewal sent for an
     * earlier attempt (given back meanwhile) must not mark the attempt that took the job up again.
     */
    private final Map<String, Long> attempts = new ConcurrentHashMap<>();
    private final AtomicLong takenUp = new AtomicLong();

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

    public synchronized void hold(String jobId) {
        lost.remove(jobId);
        held.merge(jobId, 1, Integer::sum);
        attempts.put(jobId, takenUp.incrementAndGet());
    }

    public synchronized void letGo(String jobId) {
        if (held.computeIfPresent(jobId, (id, holders) -> holders > 1 ? holders - 1 : null) == null) {
            lost.remove(jobId);
            attempts.remove(jobId);
        }
    }

    public boolean lost(String jobId) {
        return lost.contains(jobId);
    }

    /** The jobs whose leases the next renewal keeps: those being analysed, but not those lost. */
    public List<String> heldJobs() {
        return held.keySet().stream().filter(jobId -> !lost.contains(jobId)).sorted().toList();
    }

    /**
     * Renews one job's lease. A refusal (409: another processor holds it; 403, 404: not this
     * processor's, or gone) marks the job lost; any other failure is one log line, and the next
     * tick tries again.
     */
    public void renew(String jobId) {
        Long attempt = attempts.get(jobId);
        if (attempt == null || lost.contains(jobId)) {
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

    private synchronized void markLost(String jobId, Long attempt, String why) {
        if (attempt.equals(attempts.get(jobId))) {
            LOG.warn("lost job {}: {}", jobId, why);
            lost.add(jobId);
        }
    }
}
