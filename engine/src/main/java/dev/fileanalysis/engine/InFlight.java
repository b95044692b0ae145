package dev.fileanalysis.engine;

import java.time.Duration;

/**
 * Counts requests being handled, so a stop can wait for exactly those. The JDK 17 server's own
 * {@code stop(delay)} always waits the whole delay, even when nothing is in flight.
 */
final class InFlight {
    private int active;
    private boolean draining;

    /** @return false once draining: the request must be turned away, not started */
    synchronized boolean enter() {
        if (draining) {
            return false;
        }
        active++;
        return true;
    }

    synchronized void exit() {
        active--;
        if (active == 0) {
            notifyAll();
        }
    }

    synchronized int active() {
        return active;
    }

    /**
     * Turns new requests away and waits up to {@code grace} for the ones in flight.
     *
     * @return how many were still running when the grace ran out
     */
    synchronized int drain(Duration grace) {
        draining = true;
        long deadline = System.nanoTime() + grace.toNanos();
        while (active > 0) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                break;
            }
            try {
                wait(remainingMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return active;
    }
}
