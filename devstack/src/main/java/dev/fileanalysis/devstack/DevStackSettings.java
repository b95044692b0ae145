package dev.fileanalysis.devstack;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to start the devstack. Relative paths are resolved against the working directory, so the
 * defaults fit a start from the repository root.
 *
 * @param s3Port 0 for a free port, as for the other ports
 * @param inMemory dynalite without a LevelDB folder (tests); S3 objects still go to the data folder
 */
public record DevStackSettings(
    Path dataDir,
    String host,
    boolean allowNonLoopback,
    int s3Port,
    int dynamodbPort,
    int oidcPort,
    Path tablesFile,
    Path dynaliteDir,
    boolean inMemory,
    String audience) {

  public static final String DEFAULT_AUDIENCE = "file-analysis-pipeline";

  public DevStackSettings {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(tablesFile, "tablesFile");
    Objects.requireNonNull(dynaliteDir, "dynaliteDir");
    Objects.requireNonNull(audience, "audience");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Checks what the type cannot: ports in range, a loopback host unless explicitly allowed. */
  void validate() {
    checkPort("--s3-port", s3Port);
    checkPort("--dynamodb-port", dynamodbPort);
    checkPort("--oidc-port", oidcPort);
    if (audience.isBlank() || audience.chars().anyMatch(Character::isWhitespace)) {
      throw new DevStackException("--audience must be a non-empty value without spaces, got '" + audience + "'");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new DevStackException("--host " + host + " does not resolve");
    }
    if (!address.isLoopbackAddress() && !allowNonLoopback) {
      // The emulators hold every chunk and the signing keys of the dev identity provider.
      throw new DevStackException("--host " + host + " is not a loopback address: the emulators would be reachable"
          + " from the network; pass --allow-non-loopback if that is really intended");
    }
  }

  private static void checkPort(String option, int port) {
    if (port < 0 || port > 65535) {
      throw new DevStackException(option + " must be from 0 (a free port) to 65535, got " + port);
    }
  }

  public static final class Builder {
    private Path dataDir = Path.of("data");
    private String host = "127.0.0.1";
    private boolean allowNonLoopback;
    private int s3Port;
    private int dynamodbPort;
    private int oidcPort;
    private Path tablesFile = Path.of("localstack", "tables.json");
    private Path dynaliteDir = Path.of("localstack", "dynalite");
    private boolean inMemory;
    private String audience = DEFAULT_AUDIENCE;

    private Builder() {
    }

    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder allowNonLoopback(boolean allowNonLoopback) {
      this.allowNonLoopback = allowNonLoopback;
      return this;
    }

    public Builder s3Port(int s3Port) {
      this.s3Port = s3Port;
      return this;
    }

    public Builder dynamodbPort(int dynamodbPort) {
      this.dynamodbPort = dynamodbPort;
      return this;
    }

    public Builder oidcPort(int oidcPort) {
      this.oidcPort = oidcPort;
      return this;
    }

    public Builder tablesFile(Path tablesFile) {
      this.tablesFile = tablesFile;
      return this;
    }

    public Builder dynaliteDir(Path dynaliteDir) {
      this.dynaliteDir = dynaliteDir;
      return this;
    }

    /** Points tables file and dynalite folder at a checkout, for starts from elsewhere. */
    public Builder repositoryRoot(Path root) {
      this.tablesFile = root.resolve("localstack").resolve("tables.json");
      this.dynaliteDir = root.resolve("localstack").resolve("dynalite");
      return this;
    }

    public Builder inMemory(boolean inMemory) {
      this.inMemory = inMemory;
      return this;
    }

    public Builder audience(String audience) {
      this.audience = audience;
      return this;
    }

    public DevStackSettings build() {
      return new DevStackSettings(dataDir, host, allowNonLoopback, s3Port, dynamodbPort, oidcPort,
          tablesFile, dynaliteDir, inMemory, audience);
    }
  }
}
