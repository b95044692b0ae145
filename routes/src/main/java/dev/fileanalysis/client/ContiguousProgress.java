package dev.fileanalysis.client;

import java.util.BitSet;

/**
 * Turns chunks landing in any order into the brief's {@code chunks}: the count landed
 * contiguously from 0. Reports each advance to the server (one report at a time, skipping
 * values already overtaken), so processors can start on chunk 0 while later chunks still upload.
 */
public final class ContiguousProgress {

    @FunctionalInterface
    public interface Reporter {
        void report(int contiguous) throws Exception;
    }

    /** Chunks one report may newly cover (the server's limit). */
    public static final int MAX_STEP = 256;

    private final Reporter reporter;
    private final BitSet landed = new BitSet();
    private int contiguous;
    private int reported;

    public ContiguousProgress(Reporter reporter) {
        this.reporter = reporter;
    }

    /**
     * Progress of a resumed upload: {@code alreadyLanded} are in storage from an earlier run, and
     * the server already knows {@code alreadyReported}. Nothing is reported until {@link #flush()}.
     */
    public ContiguousProgress(Reporter reporter, BitSet alreadyLanded, int alreadyReported) {
        this.reporter = reporter;
        this.landed.or(alreadyLanded);
        this.landed.set(0, alreadyReported);
        while (landed.get(contiguous)) {
            contiguous++;
        }
        this.reported = alreadyReported;
    }

    /** Records that chunk {@code index} is in storage, and reports the new count if it advanced. */
    public void landed(int index) throws Exception {
        synchronized (this) {
            landed.set(index);
            while (landed.get(contiguous)) {
                contiguous++;
            }
        }
        flush();
    }

    public int contiguous() {
        synchronized (this) {
            return contiguous;
        }
    }

    /**
     * Sends the latest count if it was not sent yet; serialised so reports never go backwards.
     * A long advance (a resumed upload) goes in steps of at most {@link #MAX_STEP}, as the server
     * checks every chunk a report newly covers and takes at most that many at once.
     */
    public void flush() throws Exception {
        synchronized (reporter) {
            int now = contiguous();
            while (now > reported) {
                int next = Math.min(now, reported + MAX_STEP);
                reporter.report(next);
                reported = next;
            }
        }
    }
}
