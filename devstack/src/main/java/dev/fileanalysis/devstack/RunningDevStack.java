package dev.fileanalysis.devstack;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The three emulators of the embedded default, started together in this JVM (dynalite as its
 * child process). {@link #close()} stops all of them and removes {@code devstack.properties}.
 *
 * <p>Other modules should not put this class path next to Camel's; they run the devstack as a
 * process instead (see {@link DevStackProcess}).
 */
public final class RunningDevStack implements AutoCloseable {
  public static final String REGION = "us-east-1";
  public static final String BUCKET = "pipeline-chunks";
  private static final Duration DYNALITE_START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration TABLES_ACTIVE_TIMEOUT = Duration.ofSeconds(30);

  private final Endpoints endpoints;
  private final Path propertiesFile;
  private final DynaliteProcess dynalite;
  private final Deque<AutoCloseable> resources;
  private boolean closed;

  private RunningDevStack(Endpoints endpoints, Path propertiesFile, DynaliteProcess dynalite, Deque<AutoCloseable> resources) {
    this.endpoints = endpoints;
    this.propertiesFile = propertiesFile;
    this.dynalite = dynalite;
    this.resources = resources;
  }

  public static RunningDevStack start(DevStackSettings settings) {
    settings.validate();
    Path dataDir = settings.dataDir().toAbsolutePath().normalize();
    TableDefinitions tables = TableDefinitions.load(settings.tablesFile());
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      started.push(lock(dataDir));
      Path propertiesFile = dataDir.resolve(Endpoints.FILE_NAME);
      // A file left by a killed run would point readers at dead ports until this start completes.
      Files.deleteIfExists(propertiesFile);
      started.push(() -> Files.deleteIfExists(propertiesFile));
      DevCredentials credentials = DevCredentials.loadOrCreate(dataDir);
      String host = settings.host();
      String hostForUri = Endpoints.hostForUri(host);

      S3Emulator s3 = S3Emulator.start(dataDir.resolve("s3"), host, settings.s3Port(), credentials, BUCKET);
      started.push(s3);

      DynaliteProcess dynalite = DynaliteProcess.start(settings.dynaliteDir(), host, settings.dynamodbPort(),
          settings.inMemory() ? Optional.empty() : Optional.of(dataDir.resolve("dynamodb")), DYNALITE_START_TIMEOUT);
      started.push(dynalite);
      String dynamodbEndpoint = "http://" + hostForUri + ":" + dynalite.port();
      try (DynamoDbClient dynamo = DynamoDbClient.builder()
          .endpointOverride(URI.create(dynamodbEndpoint))
          .region(Region.of(REGION))
          .credentialsProvider(StaticCredentialsProvider.create(
              AwsBasicCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey())))
          .build()) {
        tables.ensureCreated(dynamo, TABLES_ACTIVE_TIMEOUT);
      }

      OidcProvider oidc = OidcProvider.start(host, settings.oidcPort(), settings.audience());
      started.push(oidc);

      Endpoints endpoints = new Endpoints(REGION, credentials,
          "http://" + hostForUri + ":" + s3.port(), BUCKET, dynamodbEndpoint,
          oidc.issuer(), oidc.tokenUrl(), oidc.jwksUrl(), settings.audience());
      endpoints.writeTo(dataDir);
      return new RunningDevStack(endpoints, propertiesFile, dynalite, started);
    } catch (RuntimeException | IOException e) {
      closeAll(started);
      throw e instanceof DevStackException d ? d
          : new DevStackException("devstack failed to start: " + e.getMessage(), e);
    }
  }

  private static AutoCloseable lock(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    FileChannel channel = FileChannel.open(dataDir.resolve("devstack.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new DevStackException("another devstack is already running with data folder " + dataDir
          + ": stop it or pass a different --data");
    }
    return channel; // closing the channel releases the lock
  }

  public Endpoints endpoints() {
    return endpoints;
  }

  public Path propertiesFile() {
    return propertiesFile;
  }

  /** Process id of the dynalite child, for checks that it does not outlive the devstack. */
  public long dynalitePid() {
    return dynalite.pid();
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      closeAll(resources);
    }
  }

  private static void closeAll(Deque<AutoCloseable> resources) {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        System.err.println("devstack: error while stopping: " + e);
      }
    }
  }
}
