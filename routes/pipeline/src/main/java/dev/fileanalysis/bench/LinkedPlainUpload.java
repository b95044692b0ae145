package dev.fileanalysis.bench;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import dev.fileanalysis.server.aws.AwsClients;
import dev.fileanalysis.runtime.Settings;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The plain-upload baseline behind the link model: started by the bench inside the client's
 * network namespace (so its bytes cross the shaped link, as the linked client's do), it puts one
 * file with a single PutObject, the way a user without us would, and prints how long that took.
 *
 * <p>{@code LinkedPlainUpload DEVSTACK_PROPERTIES KEY FILE} prints {@code seconds=S}.
 */
public final class LinkedPlainUpload {

    private LinkedPlainUpload() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: LinkedPlainUpload DEVSTACK_PROPERTIES KEY FILE");
            System.exit(2);
        }
        Properties devstack = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            devstack.load(in);
        }
        Map<String, String> values = new HashMap<>();
        devstack.forEach((key, value) -> values.put(key.toString(), value.toString()));
        Settings settings = Settings.of(values);
        Path file = Path.of(args[2]);
        try (S3Client s3 = new AwsClients(settings).s3()) {
            // One small put first: connection and SDK start-up are not what the baseline measures.
            s3.putObject(request -> request.bucket(settings.require("s3.bucket")).key(args[1]), RequestBody.fromBytes(new byte[1024]));
            long start = System.nanoTime();
            s3.putObject(request -> request.bucket(settings.require("s3.bucket")).key(args[1]), RequestBody.fromFile(file));
            System.out.printf(java.util.Locale.ROOT, "seconds=%.3f%n", (System.nanoTime() - start) / 1e9);
        }
    }
}
