package dev.fileanalysis.processor;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.apiclient.ServerCallException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this processor's claims alive: the renew-leases route calls {@link #renewAll()} well
 * within the lease. A job whose renewal is refused was taken over (this processor was too slow
 * or cut off); its work stops at the next chunk, and its result would be refused anyway.
 */
public final class LeaseKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private final ServerApiClient server;
    private final String processorId;
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

    public LeaseKeeper(ServerApiClient server, String processorId) {
        this.server = server;
        this.processorId = processorId;
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

    public int renewAll() {
        int renewed = 0;
        for (String jobId : held.keySet()) {
            if (lost.contains(jobId)) {
                continue;
            }
            Long attempt = attempts.get(jobId);
            try {
                server.renewLease(jobId, processorId);
                renewed++;
            } catch (ServerCallException refused) {
                if (refused.status() == 409 || refused.status() == 403) {
                    markLost(jobId, attempt, refused.getMessage());
                } else {
                    LOG.warn("could not renew the lease of job {}: {}", jobId, refused.getMessage());
                }
            } catch (Exception e) {
                LOG.warn("could not renew the lease of job {}: {}", jobId, e.getMessage());
            }
        }
        return renewed;
    }

    private synchronized void markLost(String jobId, Long attempt, String why) {
        if (attempt != null && attempt.equals(attempts.get(jobId))) {
            LOG.warn("lost job {}: {}", jobId, why);
            lost.add(jobId);
        }
    }
}
