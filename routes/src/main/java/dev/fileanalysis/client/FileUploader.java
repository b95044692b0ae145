package dev.fileanalysis.client;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import dev.fileanalysis.api.ServerApiClient;
import dev.fileanalysis.api.ServerApiClient.Reservation;
import dev.fileanalysis.chunk.ChunkPipeline;
import dev.fileanalysis.chunk.CompressedChunk;
import dev.fileanalysis.cli.ProductVersion;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.crypto.JobSignature;
import dev.fileanalysis.model.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one dropped file: reserves a job, signs it with this device's key, and streams the file
 * through the chunk pipeline, each compressed chunk going straight to S3 with a presigned PUT,
 * while the server learns how many chunks have landed contiguously so processors can start.
 */
public final class FileUploader {

    private static final Logger LOG = LoggerFactory.getLogger(FileUploader.class);
    /** The brief's {@code created}: ISO-8601 UTC, always with milliseconds (Instant.toString drops zero millis). */
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final ServerApiClient server;
    private final HttpClient http;
    private final ClientKeyPair keys;
    private final ClientJournal journal;
    private final UploadSettings settings;

    /** How chunks are cut, compressed and sent. */
    public record UploadSettings(int chunkSize, int level, int workers, int chunksInFlight, long maxFileBytes) {
    }

    public FileUploader(ServerApiClient server, HttpClient http, ClientKeyPair keys, ClientJournal journal,
                        UploadSettings settings) {
        this.server = server;
        this.http = http;
        this.keys = keys;
        this.journal = journal;
        this.settings = settings;
    }

    /** Uploads the file and returns its job id. */
    public String upload(File file) throws IOException, InterruptedException {
        long size = Files.size(file.toPath());
        if (size > settings.maxFileBytes()) {
            throw new IOException(file.getName() + " is " + size + " bytes, more than the " + settings.maxFileBytes()
                    + " bytes this client is configured to send (client.max-file-bytes).");
        }
        Reservation reservation = server.reserveJob();
        journal.record(new ClientJournal.Entry(reservation.id(), file.getName(), size, file.getAbsolutePath(), null));
        Job job = JobSignature.sign(Job.unsigned(reservation.id(), ProductVersion.get(),
                CREATED.format(Instant.now()),
                reservation.bucket(), reservation.region(), reservation.file(), keys.publicKey().clientId()), keys);
        server.registerJob(job);
        LOG.info("uploading {} ({} bytes) as {}", file.getName(), size, job.id());

        long started = System.nanoTime();
        ContiguousProgress progress = new ContiguousProgress(landed -> server.reportUploadProgress(job.id(), landed));
        int chunks;
        try (ChunkPipeline pipeline = new ChunkPipeline(settings.chunkSize(), settings.level(), settings.workers(),
                settings.chunksInFlight()); InputStream in = Files.newInputStream(file.toPath())) {
            chunks = pipeline.run(in, chunk -> {
                put(job.id(), chunk);
                progress.landed(chunk.index());
            });
        }
        try {
            progress.flush();
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
        server.completeUpload(job.id(), chunks);
        LOG.info("uploaded {} as {}: {} chunks in {} ms", file.getName(), job.id(), chunks,
                (System.nanoTime() - started) / 1_000_000);
        return job.id();
    }

    private void put(String jobId, CompressedChunk chunk) throws IOException, InterruptedException {
        String url = server.presignUpload(jobId, chunk.index(), chunk.md5Base64(), chunk.frame().length);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMinutes(5))
                .header("Content-MD5", chunk.md5Base64())
                .PUT(HttpRequest.BodyPublishers.ofByteArray(chunk.frame()))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Storage refused chunk " + chunk.index() + " of job " + jobId + " with HTTP "
                    + response.statusCode() + ": " + response.body());
        }
    }
}
