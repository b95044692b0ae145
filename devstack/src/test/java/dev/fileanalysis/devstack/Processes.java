package dev.fileanalysis.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Process checks for tests: polls with a deadline, never a fixed sleep. */
final class Processes {
  private Processes() {
  }

  /**
   * Whether the process still runs. An exited process whose new parent has not reaped it yet is a
   * zombie: it holds no port, no file and no memory, so it counts as gone.
   */
  static boolean isRunning(long pid) {
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return false;
    }
    if (!Files.isDirectory(Path.of("/proc/self"))) {
      return true; // no procfs: trust ProcessHandle
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | StringIndexOutOfBoundsException e) {
      return false; // vanished between the two checks
    }
  }

  /** Polls every 20 ms until the condition holds or the timeout passes; returns the last result. */
  static boolean eventually(Duration timeout, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        return false;
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    return true;
  }

  /** The checkout root, as passed by surefire (the module's parent folder otherwise). */
  static Path repositoryRoot() {
    String root = System.getProperty("devstack.repo-root");
    return (root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent()).toAbsolutePath().normalize();
  }
}
