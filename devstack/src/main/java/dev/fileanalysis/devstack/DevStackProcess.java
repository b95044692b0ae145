package dev.fileanalysis.devstack;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Launches the devstack as a separate OS process, for tests of other modules: their class paths
 * (Camel, Vert.x, Netty 4.1) cannot share a JVM with s3proxy and mock-oauth2-server.
 *
 * <p>Uses nothing but the JDK, so a module can take this class alone:
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.fileanalysis</groupId><artifactId>devstack</artifactId><version>${project.version}</version>
 *   <scope>test</scope>
 *   <exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions>
 * </dependency>
 *
 * try (DevStackProcess devstack = DevStackProcess.builder(repoRoot).dataDir(tempDir).start()) {
 *   String s3 = devstack.property("s3.endpoint");
 * }
 * }</pre>
 * It runs {@code java -jar devstack/target/devstack.jar --data DIR --in-memory
 * --exit-on-stdin-close}, waits for {@code devstack ready} and reads {@code DIR/devstack.properties}.
 * The jar exists after the devstack module's {@code package} phase. If the test JVM dies, the
 * devstack sees its stdin close and stops, taking dynalite with it. Its output goes to
 * {@code DIR/devstack.log}.
 */
public final class DevStackProcess implements AutoCloseable {
  private static final String READY_LINE = "devstack ready";
  private static final int TAIL_LINES = 40;

  private final Process process;
  private final Properties properties;
  private final Path logFile;

  private DevStackProcess(Process process, Properties properties, Path logFile) {
    this.process = process;
    this.properties = properties;
    this.logFile = logFile;
  }

  /** @param repoRoot the checkout: holds devstack/target/devstack.jar and localstack/ */
  public static Builder builder(Path repoRoot) {
    return new Builder(repoRoot);
  }

  /** The contents of devstack.properties (aws.*, s3.*, dynamodb.endpoint, oidc.*). */
  public Properties properties() {
    Properties copy = new Properties();
    copy.putAll(properties);
    return copy;
  }

  public String property(String key) {
    String value = properties.getProperty(key);
    if (value == null) {
      throw new IllegalArgumentException("devstack.properties has no " + key);
    }
    return value;
  }

  /** The devstack JVM, e.g. to kill it in crash tests. */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  public Path logFile() {
    return logFile;
  }

  /** Stops the devstack the gentle way (stdin end, then SIGTERM, then SIGKILL). */
  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  public static final class Builder {
    private final Path repoRoot;
    private Path dataDir;
    private boolean inMemory = true;
    private String classPath;
    private Duration startupTimeout = Duration.ofSeconds(60);
    private final List<String> extraArguments = new ArrayList<>();

    private Builder(Path repoRoot) {
      this.repoRoot = repoRoot.toAbsolutePath().normalize();
    }

    /** Required: where S3 objects, credentials, devstack.properties and devstack.log go. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** Default true: DynamoDB tables in memory. */
    public Builder inMemory(boolean inMemory) {
      this.inMemory = inMemory;
      return this;
    }

    /** Run {@code DevStack} from this class path instead of the packaged jar (the module's own tests). */
    public Builder classPath(String classPath) {
      this.classPath = classPath;
      return this;
    }

    public Builder startupTimeout(Duration startupTimeout) {
      this.startupTimeout = startupTimeout;
      return this;
    }

    /** More devstack options, e.g. {@code --audience x}. */
    public Builder arguments(String... arguments) {
      extraArguments.addAll(List.of(arguments));
      return this;
    }

    public DevStackProcess start() throws IOException {
      Objects.requireNonNull(dataDir, "dataDir");
      Path data = dataDir.toAbsolutePath().normalize();
      Files.createDirectories(data);
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      if (classPath == null) {
        Path jar = repoRoot.resolve("devstack/target/devstack.jar");
        if (!Files.isRegularFile(jar)) {
          throw new IOException(jar + " does not exist: build it with `mvn -B -pl devstack -am package`");
        }
        command.addAll(List.of("-jar", jar.toString()));
      } else {
        command.addAll(List.of("-cp", classPath, "dev.fileanalysis.devstack.DevStack"));
      }
      command.addAll(List.of("--data", data.toString(),
          "--tables", repoRoot.resolve("localstack/tables.json").toString(),
          "--dynalite-dir", repoRoot.resolve("localstack/dynalite").toString(),
          "--exit-on-stdin-close"));
      if (inMemory) {
        command.add("--in-memory");
      }
      command.addAll(extraArguments);

      Path logFile = data.resolve("devstack.log");
      Process process = new ProcessBuilder(command).directory(repoRoot.toFile()).redirectErrorStream(true).start();
      Deque<String> tail = new ArrayDeque<>();
      CompletableFuture<Void> ready = new CompletableFuture<>();
      Thread pump = new Thread(() -> pump(process, logFile, tail, ready), "devstack-output");
      pump.setDaemon(true);
      pump.start();
      try {
        ready.get(startupTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException | InterruptedException e) {
        process.destroyForcibly();
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        String why = e instanceof TimeoutException ? "was not ready within " + startupTimeout
            : e instanceof ExecutionException ? e.getCause().getMessage() : "start was interrupted";
        String output;
        synchronized (tail) {
          output = String.join("\n", tail);
        }
        throw new IOException("devstack " + why + "; its last output:\n" + output);
      }
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(data.resolve("devstack.properties"), StandardCharsets.UTF_8)) {
        properties.load(reader);
      }
      return new DevStackProcess(process, properties, logFile);
    }

    /** Copies the devstack's output to its log file, watching for the ready line; runs to the end. */
    private static void pump(Process process, Path logFile, Deque<String> tail, CompletableFuture<Void> ready) {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
           BufferedWriter log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
               StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        String line;
        while ((line = in.readLine()) != null) {
          log.write(line);
          log.newLine();
          log.flush();
          if (!ready.isDone()) {
            synchronized (tail) {
              tail.addLast(line);
              if (tail.size() > TAIL_LINES) {
                tail.removeFirst();
              }
            }
            if (line.equals(READY_LINE)) {
              ready.complete(null);
            }
          }
        }
      } catch (IOException e) {
        ready.completeExceptionally(new UncheckedIOException(e));
        return;
      }
      ready.completeExceptionally(new IOException("exited before it was ready"));
    }
  }
}
