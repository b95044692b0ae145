package dev.fileanalysis.devstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dynalite (DynamoDB emulator, Node.js) as a child process.
 *
 * <p>It is started through {@code localstack/dynalite/dynalite-server.js}, which exits when its
 * stdin reaches end-of-file. This JVM holds the only write end of that pipe, so the kernel closes
 * it however the JVM ends, kill -9 included: no orphan keeps the port or the LevelDB lock.
 */
public final class DynaliteProcess implements AutoCloseable {
  static final String SCRIPT = "dynalite-server.js";
  private static final Pattern LISTENING = Pattern.compile("^dynalite listening (\\S+) (\\d+)$");

  private final Process process;
  private final int port;

  private DynaliteProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * @param dynaliteDir the npm package folder holding {@code node_modules/dynalite}
   * @param port 0 for a free port
   * @param dataDir LevelDB folder, or empty for an in-memory store
   */
  public static DynaliteProcess start(Path dynaliteDir, String host, int port, Optional<Path> dataDir, Duration timeout) {
    Path script = dynaliteDir.resolve(SCRIPT).toAbsolutePath().normalize();
    if (!Files.isRegularFile(dynaliteDir.resolve("node_modules/dynalite/package.json"))) {
      throw new DevStackException("dynalite is not installed in " + dynaliteDir.toAbsolutePath().normalize()
          + "/node_modules: run the build (`mvn -B package`) or `npm ci --prefix localstack/dynalite`, "
          + "or point --dynalite-dir at the folder holding it");
    }
    if (!Files.isRegularFile(script)) {
      throw new DevStackException(script + " is missing: --dynalite-dir must be the repository's localstack/dynalite");
    }
    List<String> command = new ArrayList<>(List.of("node", script.toString(),
        "--host", host, "--port", Integer.toString(port)));
    if (dataDir.isPresent()) {
      try {
        Files.createDirectories(dataDir.get());
      } catch (IOException e) {
        throw new DevStackException("cannot create " + dataDir.get() + ": " + e.getMessage(), e);
      }
      command.add("--path");
      command.add(dataDir.get().toAbsolutePath().toString());
    }
    Process process;
    try {
      process = new ProcessBuilder(command)
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
    } catch (IOException e) {
      throw new DevStackException("cannot run `node` (Node.js 20 or later must be on the PATH): " + e.getMessage(), e);
    }

    CompletableFuture<Integer> boundPort = new CompletableFuture<>();
    Thread pump = new Thread(() -> pumpOutput(process, boundPort), "dynalite-output");
    pump.setDaemon(true);
    pump.start();
    process.onExit().thenRun(() -> boundPort.completeExceptionally(new DevStackException(
        "dynalite exited with code " + process.exitValue() + " before listening (see its messages above)")));

    try {
      return new DynaliteProcess(process, boundPort.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (ExecutionException e) {
      stop(process);
      throw e.getCause() instanceof DevStackException d ? d
          : new DevStackException("dynalite failed to start: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      stop(process);
      throw new DevStackException("dynalite did not report listening within " + timeout);
    } catch (InterruptedException e) {
      stop(process);
      Thread.currentThread().interrupt();
      throw new DevStackException("interrupted while starting dynalite", e);
    }
  }

  /** The first stdout line tells the bound port; the rest is passed on to stderr, where logs go. */
  private static void pumpOutput(Process process, CompletableFuture<Integer> boundPort) {
    PrintStream log = System.err;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        Matcher listening = LISTENING.matcher(line);
        if (!boundPort.isDone() && listening.matches()) {
          boundPort.complete(Integer.parseInt(listening.group(2)));
        } else {
          log.println("dynalite: " + line);
        }
      }
    } catch (IOException e) {
      // the pipe broke because the process is gone; onExit reports that
    }
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Closes dynalite's stdin so it shuts LevelDB down cleanly; signals only if it does not. */
  @Override
  public void close() {
    stop(process);
  }

  private static void stop(Process process) {
    try {
      try {
        process.getOutputStream().close();
      } catch (IOException e) {
        // the pipe is already broken: dynalite is on its way out anyway
      }
      if (process.waitFor(10, TimeUnit.SECONDS)) {
        return;
      }
      process.destroy();
      if (process.waitFor(5, TimeUnit.SECONDS)) {
        return;
      }
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
