package dev.fileanalysis.devstack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Properties;

/**
 * The access key pair s3proxy checks SigV4 signatures against. Generated once per data folder and
 * then reused, so presigned URLs and clients configured from an earlier run keep working after a
 * restart, while no two developers (or CI runs) share a guessable key.
 */
public record DevCredentials(String accessKeyId, String secretAccessKey) {
  static final String FILE_NAME = "devstack-credentials.properties";
  private static final String ACCESS_KEY = "aws.access-key-id";
  private static final String SECRET_KEY = "aws.secret-access-key";
  private static final char[] UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
  private static final char[] ALNUM =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  public DevCredentials {
    if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isBlank()) {
      throw new IllegalArgumentException("access key id and secret must not be blank");
    }
  }

  /** Reads the data folder's credentials, creating them (mode 0600) on first use. */
  public static DevCredentials loadOrCreate(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      if (Files.exists(file)) {
        return read(file);
      }
      DevCredentials fresh = generate(new SecureRandom());
      SecureFiles.writeAtomically(file,
          "# SigV4 key pair of the devstack's S3 emulator; generated once, kept for this data folder\n"
              + ACCESS_KEY + "=" + fresh.accessKeyId + "\n"
              + SECRET_KEY + "=" + fresh.secretAccessKey + "\n");
      return fresh;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }

  private static DevCredentials read(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    String id = properties.getProperty(ACCESS_KEY, "").trim();
    String secret = properties.getProperty(SECRET_KEY, "").trim();
    if (id.isEmpty() || secret.isEmpty()) {
      throw new DevStackException(file + " lacks " + ACCESS_KEY + " or " + SECRET_KEY
          + ": delete the file to have new credentials generated");
    }
    return new DevCredentials(id, secret);
  }

  static DevCredentials generate(SecureRandom random) {
    // Shaped like real AWS keys (20 upper-case characters, 40-character secret) so tools that
    // sanity-check key formats accept them.
    return new DevCredentials("AKIA" + randomString(random, UPPER_ALNUM, 16), randomString(random, ALNUM, 40));
  }

  private static String randomString(SecureRandom random, char[] alphabet, int length) {
    StringBuilder builder = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      builder.append(alphabet[random.nextInt(alphabet.length)]);
    }
    return builder.toString();
  }

  @Override
  public String toString() {
    return "DevCredentials[accessKeyId=" + accessKeyId + ", secretAccessKey=<redacted>]";
  }
}
