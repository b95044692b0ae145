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

    private final Reporter reporter;
    private final BitSet landed = new BitSet();
    private int contiguous;
    private int reported;

    public ContiguousProgress(Reporter reporter) {
        this.reporter = reporter;
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

    /** Sends the latest count if it was not sent yet; serialised so reports never go backwards. */
    public void flush() throws Exception {
        synchronized (reporter) {
            int now = contiguous();
            if (now > reported) {
                reporter.report(now);
                reported = now;
            }
        }
    }
}
