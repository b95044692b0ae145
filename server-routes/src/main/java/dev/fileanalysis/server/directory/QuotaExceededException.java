package dev.fileanalysis.server.directory;

import java.time.Instant;

import dev.fileanalysis.server.refusal.RefusalException;

/**
 * A charge refused because it would take an organisation past a monthly limit of its plan (402 Payment Required: a plan with more room is the fix, not retrying; 429 would be retried by clients):
 * the message names the plan, the limit, what is used, what was asked for and when usage resets.
 */
public final class QuotaExceededException extends RefusalException {

    public static final String BYTES_PER_MONTH = "bytes-per-month";
    public static final String JOBS_PER_MONTH = "jobs-per-month";

    private final String plan;
    private final String limitName;
    private final long limit;
    private final long used;
    private final long needed;
    private final Instant resets;

    QuotaExceededException(String plan, String limitName, long limit, long used, long needed, Instant resets) {
        super(message(plan, limitName, limit, used, needed, resets));
        this.plan = plan;
        this.limitName = limitName;
        this.limit = limit;
        this.used = used;
        this.needed = needed;
        this.resets = resets;
    }

    private static String message(String plan, String limitName, long limit, long used, long needed, Instant resets) {
        String usage = BYTES_PER_MONTH.equals(limitName)
                ? "allows " + ByteSize.format(limit) + " per month; " + ByteSize.format(used) + " used (" + used
                        + " bytes); this upload needs " + ByteSize.format(needed) + " more."
                : "allows " + limit + " jobs per month; " + used + " jobs used; this upload needs " + needed + " more.";
        return "Plan '" + plan + "' " + usage + " Usage resets at " + resets + ".";
    }

    /** The figures a client can act on, sent beside the sentence: which limit, how much, and when it resets. */
    @Override
    public java.util.Map<String, Object> details() {
        return java.util.Map.of("limit", limitName, "allowed", limit, "used", used, "resets", resets.toString());
    }

    public String plan() {
        return plan;
    }

    /** {@value #BYTES_PER_MONTH} or {@value #JOBS_PER_MONTH}. */
    public String limitName() {
        return limitName;
    }

    public long limit() {
        return limit;
    }

    public long used() {
        return used;
    }

    public long needed() {
        return needed;
    }

    public Instant resets() {
        return resets;
    }
}
