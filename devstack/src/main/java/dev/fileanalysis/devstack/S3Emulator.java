package dev.fileanalysis.devstack;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;

/**
 * s3proxy in this JVM over jclouds' {@code filesystem} blob store. Authentication is SigV4 (V2 is
 * accepted too, as s3proxy offers them together) with the data folder's own key pair, so a
 * presigned URL is really checked: signature, key, expiry and the signed Content-MD5.
 */
public final class S3Emulator implements AutoCloseable {
  private final BlobStoreContext context;
  private final S3Proxy proxy;

  private S3Emulator(BlobStoreContext context, S3Proxy proxy) {
    this.context = context;
    this.proxy = proxy;
  }

  public static S3Emulator start(Path storageDir, String host, int port, DevCredentials credentials, String bucket) {
    try {
      Files.createDirectories(storageDir);
    } catch (IOException e) {
      throw new DevStackException("cannot create " + storageDir + ": " + e.getMessage(), e);
    }
    Properties overrides = new Properties();
    overrides.setProperty(FilesystemConstants.PROPERTY_BASEDIR, storageDir.toAbsolutePath().toString());
    BlobStoreContext context = ContextBuilder.newBuilder("filesystem")
        .overrides(overrides)
        .build(BlobStoreContext.class);
    S3Proxy proxy = null;
    try {
      context.getBlobStore().createContainerInLocation(null, bucket);
      proxy = S3Proxy.builder()
          .blobStore(context.getBlobStore())
          .endpoint(URI.create("http://" + Endpoints.hostForUri(host) + ":" + port))
          .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, credentials.accessKeyId(), credentials.secretAccessKey())
          .build();
      proxy.start();
      if (!"STARTED".equals(proxy.getState())) {
        throw new DevStackException("s3proxy did not start (state " + proxy.getState() + ")");
      }
      return new S3Emulator(context, proxy);
    } catch (DevStackException e) {
      stopQuietly(proxy, context);
      throw e;
    } catch (Exception e) {
      stopQuietly(proxy, context);
      throw new DevStackException("s3proxy failed to start on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return proxy.getPort();
  }

  @Override
  public void close() {
    stopQuietly(proxy, context);
  }

  private static void stopQuietly(S3Proxy proxy, BlobStoreContext context) {
    try {
      if (proxy != null) {
        proxy.stop();
      }
    } catch (Exception e) {
      System.err.println("devstack: stopping s3proxy failed: " + e);
    } finally {
      context.close();
    }
  }
}
