package dev.fileanalysis.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Collects what the engine logs, so tests can wait for a line instead of sleeping. */
final class RecordingLog implements EngineLog {
    final List<String> readyUrls = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> incoming = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    @Override
    public void ready(String url) {
        readyUrls.add(url);
    }

    @Override
    public void info(String message) {
        incoming.add("INFO " + message);
    }

    @Override
    public void warn(String message) {
        incoming.add("WARN " + message);
    }

    /** The first line (already logged or still to come) that matches, or an AssertionError. */
    synchronized String await(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        for (String line : seen) {
            if (wanted.test(line)) {
                return line;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = incoming.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no matching log line within " + timeout + "; lines: " + lines());
            }
            seen.add(line);
            if (wanted.test(line)) {
                return line;
            }
        }
    }

    synchronized String awaitContaining(String fragment) throws InterruptedException {
        return await(line -> line.contains(fragment), Duration.ofSeconds(20));
    }

    /** Everything logged so far. */
    synchronized List<String> lines() {
        incoming.drainTo(seen);
        return List.copyOf(seen);
    }
}
