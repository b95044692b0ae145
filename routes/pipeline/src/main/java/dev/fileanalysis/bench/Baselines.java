package dev.fileanalysis.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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

    /** The bench's scratch folder, emptied at the end of the run. */
    Path scratch() {
        return scratch;
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

    /** The S3 that rclone is pointed at: the same endpoint, bucket and credentials as the system's. */
    record S3Remote(String endpoint, String region, String accessKeyId, String secretAccessKey) {
    }

    /**
     * {@code rclone copy} of the files to the same S3 under {@code prefix}, with rclone's defaults
     * (4 transfers, multipart above 200 MiB), as a person trying it first would; none when rclone
     * is not on PATH. The remote is given in rclone's environment variables, over an empty config
     * file, so that nothing of the machine's own rclone set-up is used.
     */
    Measured rclone(List<Path> files, String prefix, S3Remote remote) throws Exception {
        Path parent = files.get(0).toAbsolutePath().getParent();
        if (files.stream().anyMatch(file -> !file.toAbsolutePath().getParent().equals(parent))) {
            throw new IllegalArgumentException("rclone's files must share one folder");
        }
        Path list = scratch.resolve("rclone-files.txt");
        Files.write(list, files.stream().map(file -> file.getFileName().toString()).toList());
        Path config = scratch.resolve("rclone.conf");
        Files.writeString(config, "");
        // Every object as application/octet-stream, as the client's chunks go: rclone otherwise sends
        // a text file's type with its charset ("text/plain; charset=utf-8"), whose SigV4 signature
        // s3proxy refuses (SignatureDoesNotMatch, seen with rclone 1.60 on the small files).
        ProcessBuilder rclone = new ProcessBuilder("rclone", "copy", "--config", config.toString(), "--s3-no-check-bucket",
                "--header-upload", "Content-Type: application/octet-stream",
                "--files-from-raw", list.toString(), parent.toString(), "bench:" + bucket + "/" + prefix);
        Map<String, String> environment = rclone.environment();
        environment.put("RCLONE_CONFIG_BENCH_TYPE", "s3");
        environment.put("RCLONE_CONFIG_BENCH_PROVIDER", "Other");
        environment.put("RCLONE_CONFIG_BENCH_ENDPOINT", remote.endpoint());
        environment.put("RCLONE_CONFIG_BENCH_REGION", remote.region());
        environment.put("RCLONE_CONFIG_BENCH_ACCESS_KEY_ID", remote.accessKeyId());
        environment.put("RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY", remote.secretAccessKey());
        environment.put("RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE", "true");
        // The endpoint is plain HTTP on loopback. rclone's AWS SDK (Go, v1) refuses to start at
        // all when AWS_CA_BUNDLE is set ("unable to load custom CA bundle ... unsupported
        // transport"), as it is on machines behind a TLS-inspecting proxy; it is meaningless here.
        environment.remove("AWS_CA_BUNDLE");
        Path output = scratch.resolve("rclone.log");
        rclone.redirectErrorStream(true).redirectOutput(output.toFile());
        long start = System.nanoTime();
        Process process;
        try {
            process = rclone.start();
        } catch (IOException notInstalled) {
            return Measured.none("rclone is not on PATH (Debian/Ubuntu: apt-get install rclone)");
        }
        boolean ended = process.waitFor(10, TimeUnit.MINUTES);
        Measured measured = Measured.of(start, total(files));
        if (!ended) {
            process.destroyForcibly();
        }
        String printed = Files.readString(output).trim();
        if (!ended || process.exitValue() != 0) {
            return Measured.none("rclone copy " + (ended ? "exited with " + process.exitValue() : "took over 10 minutes")
                    + ": " + printed.lines().filter(line -> line.contains("ERROR")).findFirst()
                    .orElse(printed.lines().reduce((first, last) -> last).orElse("")).trim());
        }
        // rclone said it succeeded; the objects must be there, each of the file's size, or the time means nothing
        for (Path file : files) {
            long stored = s3.headObject(request -> request.bucket(bucket).key(prefix + file.getFileName())).contentLength();
            if (stored != Files.size(file)) {
                throw new IllegalStateException("rclone stored " + stored + " bytes of " + file.getFileName());
            }
        }
        delete(files, prefix);
        return measured;
    }

    /**
     * The CPU floors of issue 15, on the same bytes: what the zstd CLI spends (user + system) to
     * compress them at {@code level} on {@code threads} threads, the client's share; and what
     * {@code zstd -d | sha256sum} spends on that output, the processor's and the engine's share
     * together (the example engine's analysis is a SHA-256). Each is the median of {@code repeats}.
     */
    static Floors cpuFloors(List<Path> files, int threads, int level, Path scratch, int repeats) {
        List<String> compress = new ArrayList<>(List.of("zstd", "-T" + threads, "-" + level, "-q", "-c"));
        files.forEach(file -> compress.add(file.toString()));
        Path frames = scratch.resolve("floor.zst");
        List<Double> client = new ArrayList<>();
        List<Double> processor = new ArrayList<>();
        try {
            for (int i = 0; i < repeats; i++) {
                client.add(childCpu(new ProcessBuilder(compress).redirectOutput(ProcessBuilder.Redirect.DISCARD)));
            }
            childCpu(new ProcessBuilder(compress).redirectOutput(frames.toFile()));
            for (int i = 0; i < repeats; i++) {
                processor.add(childCpu(new ProcessBuilder("sh", "-c", "zstd -d -q -c \"$1\" | sha256sum >/dev/null", "floor",
                        frames.toString())));
            }
            return new Floors(median(client), median(processor), level, null);
        } catch (IOException notInstalled) {
            return new Floors(null, null, level, "not measured: " + notInstalled.getMessage()
                    + " (the floors need zstd and sha256sum on PATH: apt-get install zstd coreutils)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Floors(null, null, level, "not measured: interrupted");
        } finally {
            try {
                Files.deleteIfExists(frames);
            } catch (IOException ignored) {
                // scratch is deleted at the end of the run
            }
        }
    }

    /** CPU seconds of the client's floor and of the processor's plus engine's, at one zstd level; or why none. */
    record Floors(Double clientSeconds, Double processorSeconds, int level, String reason) {
    }

    /** Runs a tool to its end and answers the CPU time it and its own children spent (see {@link RoleCpu}). */
    private static double childCpu(ProcessBuilder tool) throws IOException, InterruptedException {
        double before = RoleCpu.endedChildrenSeconds();
        Process process = tool.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IOException(String.join(" ", tool.command()) + " exited with " + exit);
        }
        return RoleCpu.endedChildrenSeconds() - before;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
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
