package dev.fileanalysis.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What the other roles need to reach the devstack: the contents of {@code DIR/devstack.properties}.
 * The keys are a contract with the route runner's configuration; keep them stable.
 */
public record Endpoints(
    String region,
    DevCredentials credentials,
    String s3Endpoint,
    String s3Bucket,
    String dynamodbEndpoint,
    String oidcIssuer,
    String oidcTokenUrl,
    String oidcJwksUrl,
    String oidcAudience) {

  public static final String FILE_NAME = "devstack.properties";

  /** Where the dev provider signs a person in; mock-oauth2-server serves it under the issuer. */
  public String oidcAuthorizationUrl() {
    return oidcIssuer + "/authorize";
  }

  /** The properties in file order. */
  public Map<String, String> asMap() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("aws.region", region);
    map.put("aws.access-key-id", credentials.accessKeyId());
    map.put("aws.secret-access-key", credentials.secretAccessKey());
    map.put("s3.endpoint", s3Endpoint);
    map.put("s3.bucket", s3Bucket);
    map.put("dynamodb.endpoint", dynamodbEndpoint);
    map.put("oidc.issuer", oidcIssuer);
    map.put("oidc.authorization-url", oidcAuthorizationUrl());
    map.put("oidc.token-url", oidcTokenUrl);
    map.put("oidc.jwks-url", oidcJwksUrl);
    map.put("oidc.audience", oidcAudience);
    return map;
  }

  public Properties asProperties() {
    Properties properties = new Properties();
    properties.putAll(asMap());
    return properties;
  }

  /** Writes {@code dataDir/devstack.properties}, owner-only, replacing any earlier one atomically. */
  public Path writeTo(Path dataDir) {
    StringBuilder text = new StringBuilder("# endpoints of the running devstack; rewritten on every start\n");
    asMap().forEach((key, value) -> text.append(key).append('=').append(escape(value)).append('\n'));
    Path file = dataDir.resolve(FILE_NAME);
    try {
      SecureFiles.writeAtomically(file, text.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  /** Values are URLs, keys and names without whitespace; only a backslash would be misread. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\");
  }

  static String hostForUri(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
