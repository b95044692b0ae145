package dev.fileanalysis.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the system is held against, run in the same invocation on the same files: the zstd CLI
 * (the compression limit), a plain uncompressed upload with the AWS SDK (what users do without
 * us), and the sequential design (upload all raw, then download all, then analyse = hash).
 */
final class Baselines {

    /** A measured time, or why there is none. */
    record Measured(Double seconds, Long bytes, String reason) {
        static Measured of(long startNanos, Long bytes) {
            return new Measured((System.nanoTime() - startNanos) / 1e9, bytes, null);
        }

        static Measured none(String reason) {
            return new Measured(null, null, reason);
        }
    }

    /** Concurrent requests for many files, as the AWS CLI's default max_concurrent_requests. */
    static final int CONCURRENT_REQUESTS = 10;

    private final S3Client s3;
    private final String bucket;
    private final Path scratch;

    Baselines(S3Client s3, String bucket, Path scratch) {
        this.s3 = s3;
        this.bucket = bucket;
        this.scratch = scratch;
    }

    /**
     * One small put, get and delete before anything is timed, so that the first baseline does not
     * pay for the SDK's class loading, JIT and connection set-up that the later ones do not.
     */
    void warmUp() throws IOException {
        Path probe = scratch.resolve("warm-up.bin");
        Files.write(probe, new byte[1 << 20]);
        for (int i = 0; i < 3; i++) {
            s3.putObject(request -> request.bucket(bucket).key("bench/warm-up"), RequestBody.fromFile(probe));
            s3.getObjectAsBytes(request -> request.bucket(bucket).key("bench/warm-up"));
        }
        s3.deleteObject(request -> request.bucket(bucket).key("bench/warm-up"));
        Files.delete(probe);
    }

    /** {@code zstd -T<threads> -<level> -c FILES}, output counted and dropped; none when zstd is not installed. */
    static Measured zstdCli(List<Path> files, int threads, int level) {
        List<String> command = new ArrayList<>(List.of("zstd", "-T" + threads, "-" + level, "-q", "-c"));
        files.forEach(file -> command.add(file.toString()));
        long start = System.nanoTime();
        Process zstd;
        try {
            zstd = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException notInstalled) {
            return Measured.none("zstd is not on PATH (Debian/Ubuntu: apt-get install zstd)");
        }
        try (InputStream out = zstd.getInputStream()) {
            long bytes = out.transferTo(java.io.OutputStream.nullOutputStream());
            int exit = zstd.waitFor();
            if (exit != 0) {
                return Measured.none("zstd exited with " + exit);
            }
            return Measured.of(start, bytes);
        } catch (IOException | InterruptedException e) {
            zstd.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Measured.none("zstd failed: " + e.getMessage());
        }
    }

    /** One PutObject per file (several at once for many files) of the raw bytes to the same S3. */
    Measured plainUpload(List<Path> files, String prefix) throws Exception {
        long start = System.nanoTime();
        forEach(files, file -> s3.putObject(request -> request.bucket(bucket).key(prefix + file.getFileName()),
                RequestBody.fromFile(file)));
        Measured measured = Measured.of(start, total(files));
        delete(files, prefix);
        return measured;
    }

    /**
     * The design without streaming: upload everything raw, then download everything, then analyse
     * (SHA-256, what the example engine computes). Fails loudly if a downloaded file differs.
     */
    Measured sequentialRaw(List<Path> files, String prefix) throws Exception {
        Path downloads = Files.createDirectories(scratch.resolve("sequential"));
        long start = System.nanoTime();
        forEach(files, file -> s3.putObject(request -> request.bucket(bucket).key(prefix + file.getFileName()),
                RequestBody.fromFile(file)));
        forEach(files, file -> {
            Path copy = downloads.resolve(file.getFileName());
            Files.deleteIfExists(copy);
            s3.getObject(request -> request.bucket(bucket).key(prefix + file.getFileName()), ResponseTransformer.toFile(copy));
        });
        List<String> hashes = new ArrayList<>();
        for (Path file : files) {
            hashes.add(sha256(downloads.resolve(file.getFileName())));
        }
        Measured measured = Measured.of(start, total(files));
        for (int i = 0; i < files.size(); i++) {
            Files.deleteIfExists(downloads.resolve(files.get(i).getFileName()));
            if (!hashes.get(i).equals(sha256(files.get(i)))) {
                throw new IllegalStateException("the sequential baseline downloaded a different " + files.get(i).getFileName());
            }
        }
        delete(files, prefix);
        return measured;
    }

    /**
     * The second half of the sequential design for a file already uploaded under {@code key} (by
     * {@link LinkedPlainUpload}, behind the link): download it on the system's side, hash it, check
     * it, delete it. The processors are not behind the user's link, so this runs on loopback.
     */
    Measured downloadAndHash(String key, Path original) throws Exception {
        Path copy = Files.createDirectories(scratch.resolve("sequential")).resolve(original.getFileName());
        Files.deleteIfExists(copy);
        long start = System.nanoTime();
        s3.getObject(request -> request.bucket(bucket).key(key), ResponseTransformer.toFile(copy));
        String hash = sha256(copy);
        Measured measured = Measured.of(start, Files.size(copy));
        Files.deleteIfExists(copy);
        s3.deleteObject(request -> request.bucket(bucket).key(key));
        if (!hash.equals(sha256(original))) {
            throw new IllegalStateException("the sequential baseline downloaded a different " + original.getFileName());
        }
        return measured;
    }

    static String sha256(Path file) throws IOException {
        var digest = BenchData.sha256();
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private void delete(List<Path> files, String prefix) throws Exception {
        forEach(files, file -> s3.deleteObject(request -> request.bucket(bucket).key(prefix + file.getFileName())));
    }

    private static long total(List<Path> files) throws IOException {
        long bytes = 0;
        for (Path file : files) {
            bytes += Files.size(file);
        }
        return bytes;
    }

    private interface FileTask {
        void run(Path file) throws Exception;
    }

    private static void forEach(List<Path> files, FileTask task) throws Exception {
        if (files.size() == 1) {
            task.run(files.get(0));
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(CONCURRENT_REQUESTS, files.size()));
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Path file : files) {
                running.add(pool.submit(() -> {
                    task.run(file);
                    return null;
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }
}
