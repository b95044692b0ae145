package dev.fileanalysis.client;

import java.util.BitSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Turns chunks landing in any order into the brief's {@code chunks}: the count landed
 * contiguously from 0. Reports advances to the server so processors can start on chunk 0 while
 * later chunks still upload: one report at a time, and an upload thread that finds a report on
 * its way does not wait for it (the thread reporting sends the newest count next), so reports
 * never hold chunks back and many landings cost one report. The count that reaches the file's
 * last chunk is not reported at all: completing the upload confirms it.
 */
public final class ContiguousProgress {

    @FunctionalInterface
    public interface Reporter {
        void report(int contiguous) throws Exception;
    }

    /** Chunks one report may newly cover (the server's limit, for progress and for completion). */
    public static final int MAX_STEP = 256;

    private final Reporter reporter;
    private final int total;
    private final BitSet landed = new BitSet();
    private final ReentrantLock reporting = new ReentrantLock();
    private int contiguous;
    private volatile int reported;

    /** Progress of a file of {@code total} chunks, none landed yet. */
    public ContiguousProgress(Reporter reporter, int total) {
        this(reporter, total, new BitSet(), 0);
    }

    /**
     * Progress of a resumed upload: {@code alreadyLanded} are in storage from an earlier run, and
     * the server already knows {@code alreadyReported}.
     */
    public ContiguousProgress(Reporter reporter, int total, BitSet alreadyLanded, int alreadyReported) {
        this.reporter = reporter;
        this.total = total;
        this.landed.or(alreadyLanded);
        this.landed.set(0, alreadyReported);
        while (landed.get(contiguous)) {
            contiguous++;
        }
        this.reported = alreadyReported;
    }

    /** Records that chunk {@code index} is in storage, and reports the new count unless a report is already on its way. */
    public void landed(int index) throws Exception {
        synchronized (this) {
            landed.set(index);
            while (landed.get(contiguous)) {
                contiguous++;
            }
        }
        // Re-checked after letting go: a count that advanced while this thread reported is sent too.
        while (toReport() > reported) {
            if (!reporting.tryLock()) {
                return;
            }
            try {
                int next = toReport();
                if (next > reported) {
                    send(next);
                }
            } finally {
                reporting.unlock();
            }
        }
    }

    public int contiguous() {
        synchronized (this) {
            return contiguous;
        }
    }

    /** The count the server has been told. */
    public int reported() {
        return reported;
    }

    /**
     * Before completing the upload: reports in steps of at most {@link #MAX_STEP} until the
     * completion has at most that many chunks left to confirm (a long resumed upload).
     */
    public void prepareCompletion() throws Exception {
        reporting.lock();
        try {
            int now = contiguous();
            while (now - reported > MAX_STEP) {
                send(reported + MAX_STEP);
            }
        } finally {
            reporting.unlock();
        }
    }

    /** The count worth reporting now: the contiguous count, unless it is the whole file (completion says it). */
    private int toReport() {
        int now = contiguous();
        int count = now >= total ? reported : now;
        return Math.min(count, reported + MAX_STEP);
    }

    private void send(int count) throws Exception {
        reporter.report(count);
        reported = count;
    }
}
