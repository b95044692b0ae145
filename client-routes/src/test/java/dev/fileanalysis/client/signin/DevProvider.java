package dev.fileanalysis.client.signin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The real devstack (and so the real dev OIDC provider) as its own process, as ./pipeline up runs it. */
final class DevProvider implements AutoCloseable {

    private final Process process;
    private final Properties endpoints = new Properties();

    private DevProvider(Process process, Path data) throws IOException {
        this.process = process;
        try (InputStream in = Files.newInputStream(data.resolve("devstack.properties"))) {
            endpoints.load(in);
        }
    }

    static DevProvider start(Path data) throws Exception {
        Path home = Path.of(System.getProperty("pipeline.home", "..")).toAbsolutePath().normalize();
        Path jar = home.resolve("devstack/target/devstack.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build with mvn -DskipTests package first");
        }
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString(), "--data", data.toString(), "--in-memory", "--exit-on-stdin-close"))
                .directory(home.toFile())
                .redirectError(data.resolve("devstack.err").toFile())
                .start();
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.equals("devstack ready")) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        try {
            if (!ready.get(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the devstack exited before it was ready: "
                        + Files.readString(data.resolve("devstack.err")));
            }
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
        return new DevProvider(process, data);
    }

    /** The dev provider as the server would list it at /auth/providers. */
    IdentityProvider provider() {
        return new IdentityProvider("dev", URI.create(endpoints.getProperty("oidc.authorization-url")),
                URI.create(endpoints.getProperty("oidc.token-url")), "pipeline-desktop", "openid email profile", null);
    }

    String issuer() {
        return endpoints.getProperty("oidc.issuer");
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
