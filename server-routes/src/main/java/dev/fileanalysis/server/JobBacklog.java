package dev.fileanalysis.server;

import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListSet;

import dev.fileanalysis.runtime.ProductVersion;
import dev.fileanalysis.server.JobStore.StatusCount;
import org.semver4j.Semver;

/**
 * The backlog processors scale on: how many jobs a processor could claim now, per processor major
 * version, counted by the claim path's own walk and test ({@link JobStore#count}), and how many jobs
 * each claimable status holds, which that walk sees anyway.
 *
 * <p>A processor generation takes the client versions of its major (cdk/: a generation's
 * {@code major} and its {@code range}, {@code >=1.0.0 <2.0.0} for "1"), so a job counts for the
 * major of its client's version. Every major this server knows of gets a figure, 0 included, so that
 * a generation with nothing to claim scales in instead of losing its metric: the server's own
 * major, the major of every job in a claimable status (claimable or held), and every major it
 * counted before.
 */
public final class JobBacklog {

    private final JobStore jobs;
    private final Clock clock;
    private final Set<Integer> knownMajors = new ConcurrentSkipListSet<>();

    public JobBacklog(JobStore jobs, Clock clock) {
        this.jobs = jobs;
        this.clock = clock;
        Integer own = majorOf(ProductVersion.get());
        if (own != null) {
            knownMajors.add(own);
        }
    }

    /**
     * The jobs of each claimable status ({@link JobStore#CLAIMABLE_STATUSES}, in that order), and the
     * claimable jobs per processor major version ("1", "2", ... in numeric order).
     */
    public record Count(Map<String, Integer> jobsByStatus, Map<String, Integer> claimableByProcessorVersion) {
    }

    /** Counts the queue now. */
    public Count count() {
        long now = clock.millis();
        Map<String, Integer> jobsByStatus = new LinkedHashMap<>();
        Map<Integer, Integer> claimable = new TreeMap<>();
        for (String status : JobStore.CLAIMABLE_STATUSES) {
            StatusCount counted = jobs.count(status, now);
            jobsByStatus.put(status, counted.jobs());
            counted.jobsByVersion().keySet().forEach(version -> remember(majorOf(version)));
            counted.claimableByVersion().forEach((version, number) -> {
                Integer major = majorOf(version);
                if (major != null) {
                    claimable.merge(major, number, Integer::sum);
                }
            });
        }
        Map<String, Integer> byProcessorVersion = new LinkedHashMap<>();
        for (Integer major : knownMajors) {
            byProcessorVersion.put(Integer.toString(major), claimable.getOrDefault(major, 0));
        }
        return new Count(Collections.unmodifiableMap(jobsByStatus), Collections.unmodifiableMap(byProcessorVersion));
    }

    /** The claimable jobs per processor major version, as {@code publish-backlog} sends them to CloudWatch. */
    public Map<String, Integer> claimableJobsByProcessorVersion() {
        return count().claimableByProcessorVersion();
    }

    private void remember(Integer major) {
        if (major != null) {
            knownMajors.add(major);
        }
    }

    /** The major of a semantic version; null for a version that is none (the API refuses those). */
    private static Integer majorOf(String version) {
        Semver parsed = version == null ? null : Semver.parse(version);
        return parsed == null ? null : parsed.getMajor();
    }
}
