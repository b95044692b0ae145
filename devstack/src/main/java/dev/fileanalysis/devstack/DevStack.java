package dev.fileanalysis.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar devstack/target/devstack.jar}: S3 (s3proxy), DynamoDB (dynalite) and an OIDC
 * provider (mock-oauth2-server) on loopback, for the embedded default.
 *
 * <p>Stdout is a small contract for scripts and tests: one line per service
 * ({@code s3 URL}, {@code dynamodb URL}, {@code oidc ISSUER}), then {@code devstack ready}, after
 * which {@code DIR/devstack.properties} is complete. Logs go to stderr.
 */
@Command(name = "devstack", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = DevStack.Version.class,
    description = "Runs the embedded default's emulators: S3 (s3proxy), DynamoDB (dynalite), OIDC (mock-oauth2-server).")
public final class DevStack implements Callable<Integer> {
  public static final String READY_LINE = "devstack ready";

  @Option(names = "--data", paramLabel = "DIR", description = "Data folder (S3 objects, DynamoDB tables, credentials, devstack.properties). Default: ${DEFAULT-VALUE}")
  Path dataDir = Path.of("data");

  @Option(names = "--host", description = "Address to listen on; loopback only unless --allow-non-loopback. Default: ${DEFAULT-VALUE}")
  String host = "127.0.0.1";

  @Option(names = "--allow-non-loopback", description = "Allow a --host reachable from the network.")
  boolean allowNonLoopback;

  @Option(names = "--s3-port", paramLabel = "PORT", description = "S3 port, 0 = a free port. Default: ${DEFAULT-VALUE}")
  int s3Port;

  @Option(names = "--dynamodb-port", paramLabel = "PORT", description = "DynamoDB port, 0 = a free port. Default: ${DEFAULT-VALUE}")
  int dynamodbPort;

  @Option(names = "--oidc-port", paramLabel = "PORT", description = "OIDC provider port, 0 = a free port. Default: ${DEFAULT-VALUE}")
  int oidcPort;

  @Option(names = "--tables", paramLabel = "PATH", description = "Table definitions (DynamoDB CreateTable JSON array). Default: ${DEFAULT-VALUE}")
  Path tablesFile = Path.of("localstack", "tables.json");

  @Option(names = "--dynalite-dir", paramLabel = "PATH", description = "Folder of the dynalite npm package (after npm ci). Default: ${DEFAULT-VALUE}")
  Path dynaliteDir = Path.of("localstack", "dynalite");

  @Option(names = "--in-memory", description = "Keep DynamoDB tables in memory only (tests).")
  boolean inMemory;

  @Option(names = "--audience", description = "aud of the access tokens the OIDC provider issues. Default: ${DEFAULT-VALUE}")
  String audience = DevStackSettings.DEFAULT_AUDIENCE;

  @Option(names = "--exit-on-stdin-close", description = "Stop when stdin reaches end-of-file, i.e. when the launching process dies.")
  boolean exitOnStdinClose;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return new CommandLine(new DevStack()).execute(args);
  }

  @Override
  public Integer call() {
    PrintStream out = System.out;
    RunningDevStack stack;
    try {
      stack = RunningDevStack.start(DevStackSettings.builder()
          .dataDir(dataDir).host(host).allowNonLoopback(allowNonLoopback)
          .s3Port(s3Port).dynamodbPort(dynamodbPort).oidcPort(oidcPort)
          .tablesFile(tablesFile).dynaliteDir(dynaliteDir)
          .inMemory(inMemory).audience(audience)
          .build());
    } catch (DevStackException e) {
      System.err.println("devstack: " + e.getMessage());
      return 1;
    }

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stack.close();
      stopped.countDown();
    }, "devstack-shutdown"));
    if (exitOnStdinClose) {
      watchStdin(System.in);
    }

    Endpoints endpoints = stack.endpoints();
    System.err.println("devstack: endpoints and credentials written to " + stack.propertiesFile());
    out.println("s3 " + endpoints.s3Endpoint());
    out.println("dynamodb " + endpoints.dynamodbEndpoint());
    out.println("oidc " + endpoints.oidcIssuer());
    out.println(READY_LINE);
    out.flush();

    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** The product version, from the jar manifest (the parent POM's version). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = DevStack.class.getPackage().getImplementationVersion();
      return new String[] {"devstack " + (version != null ? version : "(unpackaged)")};
    }
  }

  private static void watchStdin(InputStream in) {
    Thread watcher = new Thread(() -> {
      byte[] buffer = new byte[256];
      try {
        while (in.read(buffer) >= 0) {
          // input is ignored; only its end matters
        }
      } catch (IOException e) {
        // a broken pipe means the same as end-of-file
      }
      System.err.println("devstack: stdin closed, stopping");
      System.exit(0);
    }, "devstack-stdin-watch");
    watcher.setDaemon(true);
    watcher.start();
  }
}
