package dev.fileanalysis.engine;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Drops request bodies that stop arriving. The JDK's HttpServer has no per-read socket timeout
 * (only process-wide, whole-request limits), so a stalled sender would hold a handler thread
 * forever. A handler blocked on the connection is in an interruptible channel read: interrupting
 * it closes that one connection and frees the thread.
 */
final class ReadWatchdog implements AutoCloseable {
    private final long timeoutNanos;
    private final ScheduledExecutorService timer;

    ReadWatchdog(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        this.timer = timeout.isZero() ? null : Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "engine-read-timeout");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts watching the calling thread's reads; call {@link Watch#progress()} on every read. */
    Watch watchCurrentThread() {
        Watch watch = new Watch(Thread.currentThread());
        if (timer != null) {
            synchronized (watch) {
                watch.pending = timer.schedule(watch::check, timeoutNanos, TimeUnit.NANOSECONDS);
            }
        }
        return watch;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    final class Watch {
        private final Thread reader;
        private volatile long lastProgress = System.nanoTime();
        private boolean finished;
        private boolean fired;
        private ScheduledFuture<?> pending;

        private Watch(Thread reader) {
            this.reader = reader;
        }

        /** Data arrived. Deliberately cheap: the timer re-arms itself from the latest progress. */
        void progress() {
            lastProgress = System.nanoTime();
        }

        private synchronized void check() {
            if (finished) {
                return;
            }
            long idle = System.nanoTime() - lastProgress;
            if (idle >= timeoutNanos) {
                fired = true;
                reader.interrupt();
            } else {
                pending = timer.schedule(this::check, timeoutNanos - idle, TimeUnit.NANOSECONDS);
            }
        }

        /**
         * Stops watching; after this the reader is never interrupted by this watch, and an
         * interrupt that raced with the end of the body is cleared so it cannot break the reply.
         *
         * @return whether the read was cut off for stalling
         */
        boolean finish() {
            boolean timedOut;
            synchronized (this) {
                finished = true;
                if (pending != null) {
                    pending.cancel(false);
                }
                timedOut = fired;
            }
            if (Thread.currentThread() == reader) {
                Thread.interrupted();
            }
            return timedOut;
        }

        long timeoutMillis() {
            return TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
        }
    }
}
