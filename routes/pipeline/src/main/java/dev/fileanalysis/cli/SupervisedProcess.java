package dev.fileanalysis.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One role of {@code pipeline up}, run as its own OS process with its console appended to
 * {@code DATA/logs/ROLE.log}, and restarted with growing back-off when it dies, the way a
 * container runtime with a restart policy would.
 */
final class SupervisedProcess {

    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration LONGEST_BACKOFF = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final String name;
    private final List<String> command;
    private final Path workingDirectory;
    private final Path log;
    private final PrintStream console;
    private volatile Process process;
    private volatile boolean stopping;

    SupervisedProcess(String name, List<String> command, Path workingDirectory, Path log, PrintStream console) {
        this.name = name;
        this.command = List.copyOf(command);
        this.workingDirectory = workingDirectory;
        this.log = log;
        this.console = console;
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    synchronized void start() throws IOException {
        Files.createDirectories(log.getParent());
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        this.logOffset = logStart;
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        // A JVM reads file names in its locale's encoding: under the C locale (a bare container, a
        // cron job) every name beyond ASCII becomes unreadable to the client, so a role is always
        // given a UTF-8 one.
        if (!"UTF-8".equals(System.getProperty("sun.jnu.encoding"))) {
            builder.environment().put("LC_ALL", "C.UTF-8");
        }
        process = builder.start();
        Process started = process;
        started.onExit().thenAccept(this::exited);
    }

    private volatile long logOffset;

    private void exited(Process ended) {
        if (stopping || ended != process) {
            return;
        }
        console.printf("%s exited with code %d; restarting (log: %s)%n", name, ended.exitValue(), log);
        Duration backoff = FIRST_BACKOFF;
        while (!stopping) {
            try {
                Thread.sleep(backoff.toMillis());
                if (stopping) {
                    return;
                }
                start();
                console.printf("%s restarted%n", name);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                console.printf("%s could not be restarted: %s%n", name, e.getMessage());
                backoff = backoff.multipliedBy(2).compareTo(LONGEST_BACKOFF) > 0 ? LONGEST_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /**
     * Waits until the process printed a line containing {@code marker} since it was started.
     * Returns that line; fails with the log's tail if the process died or the time ran out.
     */
    String awaitLine(String marker, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            String found = findSinceStart(marker);
            if (found != null) {
                return found;
            }
            if (!process.isAlive()) {
                throw new IOException(name + " stopped while starting (exit code " + process.exitValue() + "):\n" + tail());
            }
            Thread.sleep(100);
        }
        throw new IOException(name + " did not start within " + timeout.toSeconds() + " s:\n" + tail());
    }

    private String findSinceStart(String marker) throws IOException {
        if (!Files.exists(log)) {
            return null;
        }
        byte[] all = Files.readAllBytes(log);
        int from = (int) Math.min(logOffset, all.length);
        String text = new String(all, from, all.length - from, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (line.contains(marker)) {
                return line.trim();
            }
        }
        return null;
    }

    /** Fails with the log's tail if the process is not running. */
    void checkAlive() throws IOException {
        Process current = process;
        if (current != null && !current.isAlive()) {
            throw new IOException(name + " stopped (exit code " + current.exitValue() + "):\n" + tail());
        }
    }

    String tail() throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    }

    /** Asks the process (and anything it started) to stop, then forces it after a grace period. */
    void stop() {
        stopping = true;
        Process current = process;
        if (current == null) {
            return;
        }
        List<ProcessHandle> descendants = current.descendants().toList();
        current.destroy();
        try {
            if (!current.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                current.destroyForcibly();
                current.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            current.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle child : descendants) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }
}
