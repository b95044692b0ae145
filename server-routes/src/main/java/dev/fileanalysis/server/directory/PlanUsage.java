package dev.fileanalysis.server.directory;

import static dev.fileanalysis.server.directory.DirectoryTable.n;
import static dev.fileanalysis.server.directory.DirectoryTable.num;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;

import dev.fileanalysis.server.directory.DirectoryStore.Usage;

/**
 * What each organisation used this UTC month: one counter item per organisation and month, so a
 * new month starts from zero without anything having to reset it.
 *
 * <p>A charge is one UpdateItem that adds to both counters on condition that the totals stay within
 * the plan, so concurrent charges can never together pass a limit.
 */
final class PlanUsage {

    private static final int ATTEMPTS = 5;

    private final DirectoryTable table;
    private final Clock clock;

    PlanUsage(DirectoryTable table, Clock clock) {
        this.table = table;
        this.clock = clock;
    }

    Usage usage(String orgId) {
        YearMonth month = month();
        return table.get(OrganisationMembers.orgKey(orgId), sk(month))
                .map(item -> new Usage(num(item, "bytes"), num(item, "jobs"), resets(month)))
                .orElse(new Usage(0, 0, resets(month)));
    }

    void charge(String orgId, Plan plan, long bytes, int jobs) {
        requireNotNegative(bytes, jobs);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            YearMonth month = month();
            if (bytes <= plan.bytesPerMonth() && jobs <= plan.jobsPerMonth() && table.update(OrganisationMembers.orgKey(orgId), sk(month),
                    "ADD #bytes :bytes, #jobs :jobs",
                    "(attribute_not_exists(#bytes) OR #bytes <= :maxBytes) AND (attribute_not_exists(#jobs) OR #jobs <= :maxJobs)",
                    Map.of(":bytes", n(bytes), ":jobs", n(jobs),
                            ":maxBytes", n(plan.bytesPerMonth() - bytes), ":maxJobs", n(plan.jobsPerMonth() - jobs)))) {
                return;
            }
            Usage used = usage(orgId);
            if (used.bytes() + bytes > plan.bytesPerMonth()) {
                throw new QuotaExceededException(plan.name(), QuotaExceededException.BYTES_PER_MONTH, plan.bytesPerMonth(),
                        used.bytes(), bytes, used.resets());
            }
            if (used.jobs() + jobs > plan.jobsPerMonth()) {
                throw new QuotaExceededException(plan.name(), QuotaExceededException.JOBS_PER_MONTH, plan.jobsPerMonth(),
                        used.jobs(), jobs, used.resets());
            }
            // It fits now: a refund landed, or the month turned, between the refusal and the read.
        }
        throw new IllegalStateException("Usage of " + orgId + " kept changing while charging " + bytes + " bytes");
    }

    /** Gives back to this month's counters, never below zero (a charge of last month is not this month's). */
    void refund(String orgId, long bytes, int jobs) {
        requireNotNegative(bytes, jobs);
        String pk = OrganisationMembers.orgKey(orgId);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            YearMonth month = month();
            if (table.update(pk, sk(month), "ADD #bytes :bytes, #jobs :jobs", "#bytes >= :minBytes AND #jobs >= :minJobs",
                    Map.of(":bytes", n(-bytes), ":jobs", n(-jobs), ":minBytes", n(bytes), ":minJobs", n(jobs)))) {
                return;
            }
            Usage used = usage(orgId);
            if (used.bytes() == 0 && used.jobs() == 0) {
                return;
            }
            if (table.update(pk, sk(month), "SET #bytes = :bytes, #jobs = :jobs", "#bytes = :seenBytes AND #jobs = :seenJobs",
                    Map.of(":bytes", n(Math.max(0, used.bytes() - bytes)), ":jobs", n(Math.max(0, used.jobs() - jobs)),
                            ":seenBytes", n(used.bytes()), ":seenJobs", n(used.jobs())))) {
                return;
            }
        }
        throw new IllegalStateException("Usage of " + orgId + " kept changing while refunding " + bytes + " bytes");
    }

    private YearMonth month() {
        return YearMonth.now(clock.withZone(ZoneOffset.UTC));
    }

    private static String sk(YearMonth month) {
        return "USAGE#" + month;
    }

    private static Instant resets(YearMonth month) {
        return month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static void requireNotNegative(long bytes, int jobs) {
        if (bytes < 0 || jobs < 0) {
            throw new IllegalArgumentException("Usage changes are counted in non-negative amounts, got " + bytes + " bytes and "
                    + jobs + " jobs");
        }
    }
}
